/** A scheme with the fields the rate limiting tests use (cf.colo.id is not among them, on purpose). */
import { Scheme } from '../../src/index.js';

export function testScheme(): Scheme {
  return new Scheme({
    fields: {
      'http.host': 'Bytes',
      'ip.src': 'Ip',
      'http.request.method': 'Bytes',
      'http.request.uri.path': 'Bytes',
      'http.request.headers': 'Map<Array<Bytes>>',
      'http.request.cookies': 'Map<Array<Bytes>>',
      'http.request.uri.args': 'Map<Array<Bytes>>',
      'http.request.timestamp.sec': 'Int',
      'http.response.code': 'Int',
      'http.response.headers': 'Map<Array<Bytes>>',
    },
  });
}
