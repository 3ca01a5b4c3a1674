/** Port and mark constants shared by the capture rules, the routes and the tracer. */

/** The mark the proxy's own loopback traffic gets in TPROXY mode (Istio's OutboundMark). */
export const OUTBOUND_MARK = '1338';
/** Where the agent's DNS proxy listens. */
export const DNS_PROXY_PORT = '15053';
/** Source address of the proxy's inbound leg to the app, per family. */
export const INBOUND_PASSTHROUGH_SOURCE = { ipv4: '127.0.0.6', ipv6: '::6' } as const;
