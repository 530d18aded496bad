/**
 * The data tables of `wirefilter generate`: the example zone's visitors (countries and their
 * access networks, cloud networks), its site (pages, probes, attack queries, hosts, API
 * routes) and the clients that visit it (browsers, verified bots, scanners, scripts, API
 * clients, languages). Weighted tables are {@link WeightedTable}s; the weights are relative.
 * The generation logic is in `generate.ts`.
 *
 * @module
 */
import { WeightedTable, type Rng } from './random.js';

// --- networks -----------------------------------------------------------------------------

/** An access network: ASN, IPv4 prefixes (1–3 octets) and an IPv6 prefix (whole groups). */
export interface Network {
  asn: number;
  v4: readonly string[];
  v6: string;
}

/** A visitor country: its continent, EU membership and access networks. */
export interface Country {
  code: string;
  continent: string;
  eu: boolean;
  networks: readonly Network[];
}

const net = (asn: number, v4: string[], v6: string): Network => ({ asn, v4, v6 });

/** Countries with their share of human traffic. */
const COUNTRY_LIST: readonly (readonly [Country, number])[] = [
  [{ code: 'US', continent: 'NA', eu: false, networks: [net(7922, ['73', '98', '24'], '2601'), net(7018, ['99', '107'], '2600:1700'), net(701, ['71', '108'], '2600:1000')] }, 28],
  [{ code: 'GB', continent: 'EU', eu: false, networks: [net(2856, ['81', '86'], '2a00:23c0'), net(5089, ['82'], '2a02:c7c')] }, 8],
  [{ code: 'DE', continent: 'EU', eu: true, networks: [net(3320, ['79', '84', '91'], '2003'), net(3209, ['88', '94'], '2a02:810')] }, 8],
  [{ code: 'FR', continent: 'EU', eu: true, networks: [net(3215, ['90', '86'], '2a01:cb00'), net(12322, ['82', '88'], '2a01:e0a')] }, 6],
  [{ code: 'IN', continent: 'AS', eu: false, networks: [net(55836, ['49', '157'], '2409:4000'), net(24560, ['122', '106'], '2401:4900')] }, 7],
  [{ code: 'BR', continent: 'SA', eu: false, networks: [net(28573, ['177', '189'], '2804:14c'), net(18881, ['179', '191'], '2804:7f0')] }, 5],
  [{ code: 'JP', continent: 'AS', eu: false, networks: [net(4713, ['118', '153'], '2400:4050'), net(2516, ['106', '111'], '2001:268')] }, 4],
  [{ code: 'CA', continent: 'NA', eu: false, networks: [net(812, ['99', '174'], '2607:fea8'), net(577, ['70', '142'], '2607:fa48')] }, 4],
  [{ code: 'AU', continent: 'OC', eu: false, networks: [net(1221, ['120', '101'], '2001:8003')] }, 3],
  [{ code: 'NL', continent: 'EU', eu: true, networks: [net(1136, ['77', '145'], '2a02:a40')] }, 3],
  [{ code: 'ES', continent: 'EU', eu: true, networks: [net(3352, ['83', '88'], '2a0c:5a80')] }, 3],
  [{ code: 'IT', continent: 'EU', eu: true, networks: [net(3269, ['79', '93'], '2a01:827')] }, 3],
  [{ code: 'SE', continent: 'EU', eu: true, networks: [net(3301, ['78', '90'], '2001:2002')] }, 2],
  [{ code: 'PL', continent: 'EU', eu: true, networks: [net(5617, ['83', '89'], '2a01:110f')] }, 2],
  [{ code: 'MX', continent: 'NA', eu: false, networks: [net(8151, ['187', '189'], '2806:2f0')] }, 2],
  [{ code: 'KR', continent: 'AS', eu: false, networks: [net(4766, ['175', '211'], '2001:2d8')] }, 2],
  [{ code: 'CN', continent: 'AS', eu: false, networks: [net(4134, ['113', '114', '183'], '240e'), net(4837, ['123', '112'], '2408')] }, 3],
  [{ code: 'RU', continent: 'EU', eu: false, networks: [net(12389, ['95', '178'], '2a02:2698'), net(8402, ['85', '89'], '2a00:1fa0')] }, 2],
  [{ code: 'TR', continent: 'AS', eu: false, networks: [net(9121, ['78', '88'], '2a02:ff0')] }, 2],
  [{ code: 'ID', continent: 'AS', eu: false, networks: [net(7713, ['36', '180'], '2001:448a')] }, 2],
  [{ code: 'VN', continent: 'AS', eu: false, networks: [net(45899, ['113', '14'], '2405:4800')] }, 1],
  [{ code: 'IR', continent: 'AS', eu: false, networks: [net(58224, ['5', '2'], '2a01:5ec0')] }, 0.3],
  [{ code: 'KP', continent: 'AS', eu: false, networks: [net(131279, ['175.45'], '2405:a700')] }, 0.05],
  [{ code: 'CU', continent: 'NA', eu: false, networks: [net(27725, ['152.206', '181.225'], '2803:9200')] }, 0.1],
  [{ code: 'SY', continent: 'AS', eu: false, networks: [net(29256, ['5.0', '31.9'], '2a00:ee40')] }, 0.1],
];
/** Where human visitors come from. */
export const COUNTRIES = new WeightedTable(COUNTRY_LIST);
/** The countries of {@link COUNTRIES} by ISO code. */
export const COUNTRY_BY_CODE = new Map(COUNTRY_LIST.map(([c]) => [c.code, c]));

/** Cloud and hosting networks (their ASNs are in `examples/lists.json` as `cloud_asns`). */
export const CLOUDS = new WeightedTable<readonly [Network, readonly string[]]>([
  [[net(16509, ['3', '13', '18', '52', '54'], '2600:1f18'), ['US', 'DE', 'JP', 'SG', 'GB']], 30],
  [[net(14618, ['23', '44', '50'], '2600:1f14'), ['US']], 10],
  [[net(15169, ['34', '35'], '2600:1900'), ['US', 'NL', 'BE']], 12],
  [[net(396982, ['34', '35'], '2600:1900:4000'), ['US', 'DE']], 6],
  [[net(8075, ['20', '40', '52'], '2603:1030'), ['US', 'NL', 'IE']], 14],
  [[net(14061, ['159.89', '167.99', '138.68', '206.189'], '2604:a880'), ['US', 'DE', 'NL', 'SG', 'IN']], 10],
  [[net(16276, ['51', '54.36', '137.74'], '2001:41d0'), ['FR', 'CA', 'DE']], 8],
  [[net(24940, ['5.9', '78.46', '88.198', '116.202', '168.119'], '2a01:4f8'), ['DE', 'FI']], 8],
  [[net(63949, ['45.33', '172.104', '139.162'], '2600:3c00'), ['US', 'GB', 'JP']], 5],
  [[net(45102, ['47'], '2401:b180'), ['CN', 'SG']], 4],
]);

// --- the site -----------------------------------------------------------------------------

/** The shop's product slugs. */
export const PRODUCTS = ['trail-runner-2', 'city-backpack', 'merino-hoodie', 'rain-shell', 'canvas-tote', 'wool-socks', 'down-vest', 'hiking-boots', 'sun-hat', 'thermal-mug'];
const CATEGORIES_OF_SHOP = ['shoes', 'bags', 'outerwear', 'accessories', 'sale', 'new-in'];
/** The blog's post slugs. */
export const POSTS = ['spring-collection', 'how-we-source-wool', 'packing-list-weekend', 'care-guide', 'store-opening-berlin'];
const SEARCH = ['backpack', 'rain jacket', 'socks', 'gift card', 'boots size 42', 'hoodie'];

/** What browsers ask for (path and query), given a random source. */
export const HUMAN_PAGES = new WeightedTable<(r: Rng) => string>([
  [(r) => '/', 12],
  [(r) => '/products', 6],
  [(r) => `/products/${r.pick(PRODUCTS)}`, 18],
  [(r) => `/category/${r.pick(CATEGORIES_OF_SHOP)}`, 8],
  [(r) => `/search?q=${encodeURIComponent(r.pick(SEARCH)).replace(/%20/g, '+')}`, 6],
  [(r) => `/search?q=${encodeURIComponent(r.pick(SEARCH)).replace(/%20/g, '+')}&page=${r.int(2, 5)}`, 2],
  [(r) => '/cart', 4],
  [(r) => '/checkout', 2],
  [(r) => '/login', 3],
  [(r) => '/account/orders', 2],
  [(r) => `/blog/${r.pick(POSTS)}`, 5],
  [(r) => '/about', 1],
  [(r) => `/static/js/app.${r.hex(8)}.js`, 8],
  [(r) => `/static/css/main.${r.hex(8)}.css`, 6],
  [(r) => `/images/products/${r.pick(PRODUCTS)}.webp`, 10],
  [(r) => '/favicon.ico', 2],
  [(r) => `/products/${r.pick(PRODUCTS)}?utm_source=newsletter&utm_medium=email&utm_campaign=spring`, 2],
  [(r) => '/.well-known/apple-app-site-association', 0.5],
]);

/** Paths vulnerability scanners probe for. */
export const PROBES = [
  '/.env',
  '/.git/config',
  '/.aws/credentials',
  '/wp-login.php',
  '/xmlrpc.php',
  '/wp-admin/install.php',
  '/phpmyadmin/index.php',
  '/admin/config.php',
  '/admin',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/cgi-bin/luci',
  '/server-status',
  '/actuator/env',
  '/.DS_Store',
  '/backup.sql',
];

/** Injection attempts (SQL, XSS, path traversal) in the URI. */
export const ATTACK_QUERIES = [
  "/search?q=1%27%20OR%20%271%27%3D%271",
  '/products?id=1%20UNION%20SELECT%20username,password%20FROM%20users--',
  '/search?q=<script>alert(document.cookie)</script>',
  '/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '/products?id=../../../../etc/passwd',
  '/login?next=javascript:alert(1)',
];

// --- user agents --------------------------------------------------------------------------

/** Browser user agents, and whether each is Chromium-based (sends `sec-ch-ua`) and mobile. */
export const BROWSERS = new WeightedTable<(rng: Rng) => { ua: string; chrome: boolean; mobile: boolean }>([
  [(r) => ({ ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Safari/537.36`, chrome: true, mobile: false }), 30],
  [(r) => ({ ua: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Safari/537.36`, chrome: true, mobile: false }), 10],
  [(r) => ({ ua: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${r.int(0, 6)} Safari/605.1.15`, chrome: false, mobile: false }), 8],
  [(r) => ({ ua: `Mozilla/5.0 (X11; Linux x86_64; rv:${r.int(120, 133)}.0) Gecko/20100101 Firefox/${r.int(120, 133)}.0`, chrome: false, mobile: false }), 5],
  [(r) => ({ ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${r.int(120, 133)}.0) Gecko/20100101 Firefox/${r.int(120, 133)}.0`, chrome: false, mobile: false }), 6],
  [(r) => ({ ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Safari/537.36 Edg/${r.int(120, 131)}.0.0.0`, chrome: true, mobile: false }), 7],
  [(r) => ({ ua: `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${r.int(0, 6)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${r.int(0, 6)} Mobile/15E148 Safari/604.1`, chrome: false, mobile: true }), 18],
  [(r) => ({ ua: `Mozilla/5.0 (Linux; Android ${r.int(12, 14)}; Pixel ${r.int(6, 8)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Mobile Safari/537.36`, chrome: true, mobile: true }), 10],
  [(r) => ({ ua: `Mozilla/5.0 (Linux; Android ${r.int(12, 14)}; SM-S91${r.int(1, 8)}B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36`, chrome: true, mobile: true }), 6],
]);

/** A verified bot: its user agent, network, category and what it crawls. */
interface VerifiedBot {
  ua: string;
  asn: number;
  category: string;
  country: string;
  v4: readonly string[];
  v6?: string;
  paths: 'site' | 'robots' | 'preview';
}

/** Verified bots (search engines, AI crawlers, monitors, link previews) by share of bot traffic. */
export const VERIFIED_BOTS = new WeightedTable<VerifiedBot>([
  [{ ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', asn: 15169, category: 'Search Engine Crawler', country: 'US', v4: ['66.249.66', '66.249.68', '66.249.79'], v6: '2001:4860:4801:10', paths: 'site' }, 30],
  [{ ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', asn: 15169, category: 'Search Engine Crawler', country: 'US', v4: ['66.249.66', '66.249.70'], v6: '2001:4860:4801:2', paths: 'site' }, 15],
  [{ ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', asn: 8075, category: 'Search Engine Crawler', country: 'US', v4: ['157.55.39', '207.46.13', '40.77.167'], paths: 'site' }, 15],
  [{ ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)', asn: 714, category: 'Search Engine Crawler', country: 'US', v4: ['17.241.219', '17.241.75'], paths: 'site' }, 6],
  [{ ua: 'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)', asn: 8075, category: 'Search Engine Crawler', country: 'US', v4: ['20.191.45'], paths: 'site' }, 4],
  [{ ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', asn: 8075, category: 'AI Crawler', country: 'US', v4: ['20.171.206', '52.230.152'], paths: 'site' }, 8],
  [{ ua: 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', asn: 16509, category: 'Monitoring & Analytics', country: 'US', v4: ['3.12.251', '18.116.205', '46.137.190'], paths: 'robots' }, 10],
  [{ ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', asn: 32934, category: 'Page Preview', country: 'US', v4: ['69.171.249', '173.252.107'], v6: '2a03:2880:f800', paths: 'preview' }, 7],
  [{ ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', asn: 16509, category: 'Page Preview', country: 'US', v4: ['54.209.173', '3.89.49'], paths: 'preview' }, 5],
]);

/** User agents of vulnerability scanners. */
export const SCANNER_UAS = [
  'sqlmap/1.7.12#stable (https://sqlmap.org)',
  'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)',
  'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)',
  'masscan/1.3 (https://github.com/robertdavidgraham/masscan)',
  'Mozilla/5.0 zgrab/0.x',
  'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)',
  'DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)',
];

/** User agents of HTTP libraries, scrapers and bots claiming to be verified ones. */
export const SCRIPT_UAS = [
  'python-requests/2.31.0',
  'python-requests/2.32.3',
  'curl/8.4.0',
  'curl/7.81.0',
  'Go-http-client/1.1',
  'Wget/1.21.4',
  'Scrapy/2.11.0 (+https://scrapy.org)',
  'aiohttp/3.9.1',
  'okhttp/3.12.1',
  'Java/17.0.9',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
];

/** API clients' user agents, and whether each is the mobile app. */
export const API_UAS = new WeightedTable<readonly [string, boolean]>([
  [['ExampleApp/4.2.1 (iPhone; iOS 17.4.1; Scale/3.00)', true], 25],
  [['ExampleApp/4.2.0 (Android 14; Pixel 8)', true], 18],
  [['okhttp/4.12.0', true], 8],
  [['axios/1.6.8', false], 10],
  [['Go-http-client/2.0', false], 10],
  [['python-requests/2.31.0', false], 8],
  [['PostmanRuntime/7.37.0', false], 3],
  [['ExamplePartnerSync/1.3 (+https://partner.example.net)', false], 6],
  [['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', false], 5],
]);

/** The `accept-language` header browsers send, by country. */
export const LANGUAGES: Record<string, string> = {
  US: 'en-US,en;q=0.9', GB: 'en-GB,en;q=0.9', DE: 'de-DE,de;q=0.9,en;q=0.8', FR: 'fr-FR,fr;q=0.9,en;q=0.8', IN: 'en-IN,en;q=0.9,hi;q=0.8',
  BR: 'pt-BR,pt;q=0.9,en;q=0.8', JP: 'ja-JP,ja;q=0.9', CA: 'en-CA,en;q=0.9,fr-CA;q=0.8', AU: 'en-AU,en;q=0.9', NL: 'nl-NL,nl;q=0.9,en;q=0.8',
  ES: 'es-ES,es;q=0.9', IT: 'it-IT,it;q=0.9', SE: 'sv-SE,sv;q=0.9,en;q=0.8', PL: 'pl-PL,pl;q=0.9', MX: 'es-MX,es;q=0.9', KR: 'ko-KR,ko;q=0.9',
  CN: 'zh-CN,zh;q=0.9', RU: 'ru-RU,ru;q=0.9', TR: 'tr-TR,tr;q=0.9', ID: 'id-ID,id;q=0.9', VN: 'vi-VN,vi;q=0.9',
};

/** Path extensions of static resources (`cf.bot_management.static_resource`). */
export const STATIC_EXTENSIONS = new Set(['js', 'css', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'ico', 'woff', 'woff2', 'ttf', 'map', 'txt', 'xml']);

// --- hosts and API routes ----------------------------------------------------------------

/** The hostnames browsers ask for (including one in mixed case). */
export const HOSTS = new WeightedTable<string>([
  ['www.example.com', 70],
  ['example.com', 10],
  ['shop.example.com', 10],
  ['blog.example.com', 8],
  ['WWW.Example.com', 0.5],
]);

/** API calls (method and path with query), given a random source. */
export const API_ROUTES = new WeightedTable<(rng: Rng) => readonly [string, string]>([
  [(r) => ['GET', `/v1/products?page=${r.int(1, 20)}&limit=50`], 20],
  [(r) => ['GET', `/v1/products/${r.int(1000, 9999)}`], 18],
  [(r) => ['GET', `/v1/search?q=${encodeURIComponent(r.pick(SEARCH)).replace(/%20/g, '+')}`], 8],
  [(r) => [r.chance(0.6) ? 'GET' : 'POST', '/v1/cart'], 10],
  [(r) => ['POST', `/v1/orders`], 5],
  [(r) => ['GET', `/v1/orders/${r.hex(12)}`], 6],
  [() => ['GET', '/v1/users/me'], 8],
  [(r) => ['PUT', `/v1/users/me/addresses/${r.int(1, 5)}`], 2],
  [(r) => ['DELETE', `/v1/cart/items/${r.int(1, 40)}`], 2],
  [(r) => ['PATCH', `/v2/inventory/${r.hex(8)}`], 3],
  [(r) => ['GET', `/v2/inventory?sku=${r.hex(8).toUpperCase()}`], 5],
  [() => ['GET', '/v1/health'], 6],
  [() => ['GET', '/v1/status'], 2],
  [() => ['OPTIONS', '/v1/products'], 3],
]);
