using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>
/// Optional RFC 7662 introspection at the broker, authenticated as the tool's own workload. Signature and
/// expiry checks stay local; introspection adds "not revoked, run not ended" for the requests that need it.
/// </summary>
public sealed class MandateIntrospectionOptions
{
    /// <summary>When to introspect. Default <see cref="IntrospectionMode.Never"/>.</summary>
    public IntrospectionMode Mode { get; set; } = IntrospectionMode.Never;

    /// <summary>
    /// Which requests count as writes for <see cref="IntrospectionMode.OnlyForWrites"/>.
    /// Default: every method but GET, HEAD, OPTIONS and TRACE (RFC 9110 §9.2.1 safe methods).
    /// </summary>
    public Func<HttpRequest, bool> IsWrite { get; set; } = request => !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        && !HttpMethods.IsOptions(request.Method) && !HttpMethods.IsTrace(request.Method);

    /// <summary>
    /// The tool's workload identity (e.g. its JWT-SVID, addressed to the broker), sent as
    /// <c>Authorization: Bearer</c>. Asked for on each introspection, so rotation is free. Required unless Mode is Never.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? WorkloadToken { get; set; }

    /// <summary>The introspection endpoint; default the broker metadata's <c>introspection_endpoint</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// How long an <c>active: true</c> answer is reused for the same credential. Default zero (ask every time),
    /// so a revocation is seen by the next request; a few seconds trades that for fewer round trips. Never past the
    /// credential's expiry, the <c>exp</c> of the answer (RFC 7662 §4).
    /// </summary>
    public TimeSpan ActiveCacheDuration { get; set; } = TimeSpan.Zero;

    /// <summary>Timeout of one introspection call. Default 5 s; on timeout the request is refused (fail closed) with 503.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
