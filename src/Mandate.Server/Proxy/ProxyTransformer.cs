using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Mandate.Server.Proxy;

/// <summary>
/// What crosses the proxy for one checked call, in the forwarder's terms. Upstream: the agent's forwardable
/// headers (<see cref="ProxyHeaders"/>), the injected header in place of any the agent sent, and the gateway's
/// buffered body when it read one (see <see cref="ProxyForwardingScope"/>). Back: the forwardable headers with the secret scrubbed, and the body through
/// the gateway's filter (if any) and <see cref="ScrubbedBodyStream"/>. One instance per call.
/// </summary>
internal sealed class ProxyTransformer(ProxyCall call, ProxyUpstreamCall upstream, SecretScrubber scrubber, long? maxResponseBody) : HttpTransformer
{
    /// <summary>Set when the upstream announced a body over <c>proxy.max_response_body</c>: nothing was relayed.</summary>
    public ProxyRefusal? Refusal { get; private set; }

    /// <summary>The body being relayed, once the upstream answered.</summary>
    public ScrubbedBodyStream? Relay { get; private set; }

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        proxyRequest.RequestUri = upstream.Uri;
        // A buffered body (ProxyForwardingScope put it in the request) goes with its own length, not the agent's.
        if (proxyRequest.Content is { } content && (upstream.BufferedBody?.LongLength ?? request.ContentLength) is { } length)
        {
            content.Headers.ContentLength = length;
        }

        var listed = ProxyHeaders.ListedInConnection(request.Headers.Connection);
        foreach (var (name, values) in request.Headers)
        {
            if (!ProxyHeaders.ForwardRequest(name, listed, upstream.InjectHeader)
                || (upstream.DropCookies && ProxyHeaders.IsCookie(name))
                || (scrubber.Active && name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase))
                // RFC 9110 §14.2: a server MAY ignore Range, so the agent still gets the whole answer, scrubbed, not the secret in pieces.
                || (RefusesRanges && ProxyHeaders.AsksForRange(name)))
            {
                continue;
            }

            if (!proxyRequest.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                proxyRequest.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (upstream.BufferedContentType is { } contentType && proxyRequest.Content is { } buffered)
        {
            buffered.Headers.Remove("Content-Type");
            buffered.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (scrubber.Active)
        {
            // Ask for an uncompressed body: the scrubber can only find the secret in bytes it can read.
            proxyRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        }

        if (ProxyHeaders.TryReadMaxForwards(request, out var maxForwards) && maxForwards is { } hops)
        {
            proxyRequest.Headers.Remove("Max-Forwards");
            proxyRequest.Headers.TryAddWithoutValidation("Max-Forwards", (hops - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // RFC 9110 §7.6.3: a gateway MUST add itself to Via on each request it forwards, after any the agent sent.
        proxyRequest.Headers.TryAddWithoutValidation("Via", ProxyHeaders.Via(request.Protocol));
        // RFC 9110 §9.3.8: no credential in a TRACE, whose answer echoes the request (perhaps compressed, out of the scrubber's reach).
        if (!HttpMethods.IsTrace(request.Method))
        {
            proxyRequest.Headers.TryAddWithoutValidation(upstream.InjectHeader, upstream.InjectValue);
        }

        return default;
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            // The upstream did not answer; the forwarder reports why and the proxy writes its own refusal.
            return false;
        }

        if (proxyResponse.StatusCode == HttpStatusCode.SwitchingProtocols)
        {
            // Nothing asked for an upgrade (the headers are hop-by-hop); a tunnel would pass the scrubber and the limits.
            Refusal = ProxyRefusal.BadGateway(ProxyChecks.UpstreamFailed, "the upstream switched protocols (101), which the proxy does not relay");
            return false;
        }

        if (HasBody(httpContext.Request, proxyResponse) && proxyResponse.Headers.NonValidated.TryGetValues("Transfer-Encoding", out var transfer)
            && !Http.ClientRequestBody.OnlyChunked(new Microsoft.Extensions.Primitives.StringValues([.. transfer])))
        {
            // RFC 9112 §7.4: codings besides chunked need the client's TE, which the proxy never sends; undecoded, the body
            // would reach the agent as other bytes than the tool meant, and the secret pass the scrubber inside them.
            Refusal = ProxyRefusal.BadGateway(ProxyChecks.UpstreamCompressed, "the upstream applied a transfer coding other than chunked (RFC 9112 section 7.4: only for a client that offered it in TE, which the proxy never does); the proxy decodes only chunked and cannot scrub the injected secret from such a body, so it was not relayed; an operator configures the tool's upstream to send its body with Content-Length or chunked alone");
            return false;
        }

        if (scrubber.Active && HasBody(httpContext.Request, proxyResponse)
            && proxyResponse.Content.Headers.NonValidated.TryGetValues("Content-Encoding", out var codings) && Http.ContentCoding.AnyBesidesIdentity(codings))
        {
            // Asked for identity, it compressed anyway: the secret could pass the scrubber inside bytes it cannot read.
            Refusal = ProxyRefusal.BadGateway(ProxyChecks.UpstreamCompressed, "the upstream compressed its answer (a Content-Encoding other than identity) although the proxy asked for Accept-Encoding: identity; a compressed body cannot be scrubbed of the injected secret, so it was not relayed; an operator configures the tool's upstream to honour Accept-Encoding: identity");
            return false;
        }

        if (RefusesRanges && (proxyResponse.StatusCode == HttpStatusCode.PartialContent || IsByteRanges(proxyResponse)))
        {
            // Never asked for (Range was removed): a part of the body could hold a piece of the secret, which no scrubber sees whole.
            Refusal = ProxyRefusal.BadGateway(ProxyChecks.UpstreamPartial, $"the upstream answered with part of the body ({(IsByteRanges(proxyResponse) ? "multipart/byteranges" : "206 Partial Content")}) although the proxy removed Range from the request, since it injects a secret; a part could hold a piece of the secret, so nothing was relayed; an operator configures the tool's upstream to answer requests without Range in full");
            return false;
        }

        if (upstream.UpstreamChallengesAreOurs && proxyResponse.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The agent's credential passed; the upstream's challenge (its own resource_metadata) would send the agent's client astray.
            Refusal = ProxyRefusal.BadGateway(ProxyChecks.UpstreamFailed, "the upstream refused the credential the gateway injected (401); the agent's own credential was accepted; an operator checks the tool's mcp.upstream_resource or its vaulted key (mandate secrets set)");
            return false;
        }

        if (upstream.RefuseRedirectsAs is { } redirectCheck && (int)proxyResponse.StatusCode is >= 300 and < 400)
        {
            // Streamable HTTP has no redirects: relaying one would hand the agent an address that bypasses the gateway.
            Refusal = ProxyRefusal.BadGateway(redirectCheck, $"the MCP server answered {(int)proxyResponse.StatusCode}, a redirection, which the gateway does not relay (its Location would lead past the gateway, its credential checks and its audit); an operator sets the tool's upstream in mandate.yaml to the MCP server's final endpoint");
            return false;
        }

        string? location = null;
        if (upstream.Relocation is { } relocation && proxyResponse.Headers.NonValidated.TryGetValues("Location", out var locations))
        {
            // Scrubbed before it is parsed too: re-serialised, a key it escapes only in part is in no form the scrubber knows.
            location = locations.Count == 1 ? relocation.Relocate(upstream.Uri, scrubber.Header(locations.ToString())) : null;
            if (location is null)
            {
                Refusal = ProxyRefusal.BadGateway(ProxyChecks.UpstreamLocation, $"the upstream answered {(int)proxyResponse.StatusCode} with a Location on its own address outside the tool's upstream (or more than one, or unreadable), which no proxy path reaches; it was not relayed, since following it would go past the proxy; an operator sets the tool's upstream in mandate.yaml to cover that path");
                return false;
            }
        }

        var upstreamContent = proxyResponse.Content;
        if (maxResponseBody is { } max && upstreamContent.Headers.ContentLength > max)
        {
            Refusal = ProxyRefusal.BadGateway(ProxyChecks.ResponseTooLarge, $"the upstream response ({upstreamContent.Headers.ContentLength} bytes) is larger than proxy.max_response_body ({max} bytes); it was not relayed");
            return false;
        }

        call.Forwarded = true;
        call.Status = (int)proxyResponse.StatusCode;
        // The upstream's reason phrase is free text it chose (it could repeat the secret); the agent gets the standard one.
        httpContext.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = null;
        // A filtered body has another length. RFC 9112 §6.3: a Content-Length beside Transfer-Encoding is removed before forwarding.
        // RFC 9110 §8.6: a server MUST NOT send Content-Length in a 204 (Kestrel would answer 500 for one it cannot satisfy).
        var keepLength = upstream.ResponseFilter is null && !proxyResponse.Headers.NonValidated.Contains("Transfer-Encoding")
            && proxyResponse.StatusCode != HttpStatusCode.NoContent;
        CopyResponseHeaders(proxyResponse, httpContext.Response, keepLength);
        if (location is not null)
        {
            httpContext.Response.Headers.Location = scrubber.Header(location);
        }

        var body = await upstreamContent.ReadAsStreamAsync(cancellationToken);
        if (upstream.ResponseFilter is { } filter)
        {
            // The limit applies before the filter too: it may read the whole body to rewrite it.
            var limited = maxResponseBody is { } m ? new LimitedReadStream(body, m, ProxyLimitException.ResponseBody) : body;
            body = await filter(upstreamContent.Headers.ContentType?.ToString(), limited, cancellationToken);
        }

        Relay = new ScrubbedBodyStream(body, scrubber, maxResponseBody, upstreamContent);
        proxyResponse.Content = new ProxyRelayContent(Relay);
        return true;
    }

    /// <summary>Whether byte ranges are kept from the upstream: a value is scrubbed that the agent does not hold itself.</summary>
    private bool RefusesRanges => scrubber.Active && !upstream.InjectsAgentCredential;

    // RFC 9110 §14.6: the media type of several parts; read as sent, so a value the parser rejects is no way past the check.
    private static bool IsByteRanges(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var types)
        && types.Any(t => t.TrimStart().StartsWith("multipart/byteranges", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the answer has a body to code at all: HEAD, 204 and 304 answers have none (RFC 9112 §6.3).</summary>
    private static bool HasBody(HttpRequest request, HttpResponseMessage response) =>
        !HttpMethods.IsHead(request.Method) && response.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotModified);

    // Trailers were never relayed: nothing scrubs them, and no proxied API needs them.
    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) => default;

    private void CopyResponseHeaders(HttpResponseMessage from, HttpResponse to, bool keepContentLength)
    {
        IEnumerable<string> connection = from.Headers.NonValidated.TryGetValues("Connection", out var values) ? values : [];
        var listed = ProxyHeaders.ListedInConnection(connection);
        foreach (var (name, value) in from.Headers.NonValidated.Concat(from.Content.Headers.NonValidated))
        {
            if (!ProxyHeaders.ForwardResponse(name, listed)
                || (upstream.DropCookies && ProxyHeaders.IsCookie(name))
                || (upstream.DropUpstreamAddresses && ProxyHeaders.MayNameUpstream(name))
                || (upstream.UpstreamChallengesAreOurs && name.Equals("WWW-Authenticate", StringComparison.OrdinalIgnoreCase))
                || (!keepContentLength && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                // A name cannot be masked and stay a name: a field named with the secret is dropped whole.
                || !string.Equals(scrubber.Header(name), name, StringComparison.Ordinal))
            {
                continue;
            }

            var scrubbed = Scrub(value);
            if (upstream.BindSessionId is { } bind && name.Equals(Mandate.Mcp.McpHeaderNames.SessionId, StringComparison.OrdinalIgnoreCase))
            {
                scrubbed = [.. scrubbed.Select(bind).OfType<string>()];
                if (scrubbed.Length == 0)
                {
                    continue;
                }
            }

            to.Headers[name] = scrubbed;
        }
    }

    private string[] Scrub(HeaderStringValues values)
    {
        var scrubbed = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            scrubbed[i++] = scrubber.Header(value);
        }

        return scrubbed;
    }
}
