/**
 * How many connections TrustDesk opens to one host (trust server, registry, token server) at a time:
 * the keep-alive pool of the session's HTTP client never holds more, however many repositories one
 * command reads (`inspect` and `status` of hundreds queue their requests behind these). Measured on
 * the lab (2 cores, notary-server on the same machine): 20 and 200 repositories verify faster with
 * 4 than with 8 or 16 (fewer TLS handshakes, and the server answers no faster in parallel).
 */
export const CONNECTIONS_PER_HOST = 4;
