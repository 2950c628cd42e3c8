/** Small uWS HTTP helpers shared by the console API (and usable by the rest of the gateway). */
export { Router, serve, type Handler, type HandlerInput, type Reply, type Method, type RouteOptions, type ServeOptions } from './router.ts';
export { Responder, type Header } from './reply.ts';
export { readBody, type BodyResult } from './body.ts';
export { captureRequest, type RequestInfo, type CaptureOptions } from './request.ts';
export { parseCookies, serializeCookie, type CookieOptions } from './cookies.ts';
