using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy;

/// <summary>
/// How the agent's body is framed (RFC 9112 §6), checked from the headers before anything is forwarded: a framing the
/// proxy cannot pass on as the agent meant it is refused before the tool sees the request line, the headers or the secret.
/// </summary>
internal static class ProxyRequestFraming
{
    /// <summary>Null when the framing is sound; otherwise the 400 that names the rule.</summary>
    public static ProxyRefusal? Refusal(HttpRequest request)
    {
        var transferEncoding = request.Headers.TransferEncoding;
        if (HttpMethods.IsTrace(request.Method) && (request.ContentLength > 0 || transferEncoding.Count > 0))
        {
            // RFC 9110 §9.3.8: a client MUST NOT send content in a TRACE request; forwarding it, the proxy would be that client.
            return ProxyRefusal.BadRequest(ProxyChecks.TraceWithContent, "the TRACE request carries content, which a client must not send (RFC 9110 section 9.3.8), so nothing was forwarded; send the TRACE without a body");
        }

        if (transferEncoding.Count == 0)
        {
            return null;
        }

        // Kestrel frames a request with both by its chunked coding and hands the received length on renamed X-Content-Length.
        if (request.Headers.ContentLength is not null || request.Headers.ContainsKey("X-Content-Length"))
        {
            // RFC 9112 §6.1: a possible smuggling attempt; a server MAY reject it, and an intermediary MUST NOT forward the length.
            return ProxyRefusal.BadRequest(ProxyChecks.ContentLengthWithTransferEncoding, "the request has both Content-Length and Transfer-Encoding (RFC 9112 section 6.1), which the proxy refuses as a possible request smuggling attempt; nothing was forwarded; send one of them: Content-Length for a body of known size, Transfer-Encoding: chunked otherwise");
        }

        if (HttpProtocol.IsHttp10(request.Protocol))
        {
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding MUST be treated as having faulty framing.
            return ProxyRefusal.BadRequest(ProxyChecks.BodyMalformed, "an HTTP/1.0 request cannot carry Transfer-Encoding (RFC 9112 section 6.1: its framing is faulty), so nothing was forwarded; send the body with Content-Length, or use HTTP/1.1");
        }

        // RFC 9112 §6.1: only a single chunked coding is decoded; read later, the body would fail after the tool had the head.
        return ClientRequestBody.OnlyChunked(transferEncoding) ? null
            : ProxyRefusal.BadRequest(ProxyChecks.BodyMalformed, "the request body uses a transfer coding other than chunked alone (RFC 9112 section 6.1), which the proxy does not decode, so nothing was forwarded; send the body with Content-Length, or Transfer-Encoding: chunked");
    }
}
