/**
 * `wirefilter-ts/logpush` — Cloudflare Logpush `http_requests` records: conversion to Rules field values, what Cloudflare
 * did to each request, and format detection. See `docs/logpush.md`.
 *
 * @module
 */
export { logpushRequest, looksLikeLogpush, type LogpushRequest, type LogpushRequestOptions } from './request.js';
export { LOGPUSH_FIELD_MAP, type LogpushFieldMapping } from './fields.js';
export {
  logpushSecurity,
  normalizeLogpushAction,
  LOGPUSH_SECURITY_ACTIONS,
  type LogpushSecurity,
  type LogpushSecurityAction,
  type LogpushActionName,
  type ChallengeOutcome,
} from './security.js';
export { logpushTimestampMs } from './timestamp.js';
