using Mandate.Core.Configuration;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Server.Proxy;

/// <summary>
/// Holder checks at the proxy (RFC 9449 §7): a DPoP-bound credential is accepted only with
/// <c>Authorization: DPoP</c> and a fresh proof for this method and URL, carrying <c>ath</c> of this credential,
/// signed by the key <c>cnf.jkt</c> names. The proxy listens without TLS, so it cannot see a client certificate:
/// certificate-bound credentials (RFC 8705) are refused rather than treated as bearer credentials.
/// </summary>
internal sealed class ProxySenderConstraint
{
    // The replay guard every node shares: a proof accepted by this proxy is refused by every node's proxy.
    private readonly DpopProofValidator _dpop;
    private readonly IReadOnlyList<string> _algorithms;

    public ProxySenderConstraint(MandateOptions options, TimeProvider time, IProofReplayGuard replayGuard)
    {
        var dpop = options.SenderConstraint.Dpop;
        _algorithms = [.. dpop.AllowedAlgorithms];
        _dpop = new DpopProofValidator(new DpopValidationOptions { AllowedAlgorithms = _algorithms, IatWindow = dpop.IatWindow }, time, replayGuard);
    }

    /// <summary>The algorithms a DPoP proof may be signed with: in challenges and protected resource metadata.</summary>
    public IReadOnlyList<string> DpopAlgorithms => _algorithms;

    /// <summary>
    /// Null when the caller is the credential's holder; otherwise the 401 (client-safe): <c>invalid_dpop_proof</c> for a
    /// DPoP-bound credential whose proof is missing, invalid or by another key, else <c>invalid_token</c>.
    /// </summary>
    /// <param name="request">The call.</param>
    /// <param name="token">The credential it presented.</param>
    /// <param name="presentedAsDpop">Whether it came as <c>Authorization: DPoP</c>.</param>
    /// <param name="publicOrigin">
    /// The origin agents reach this endpoint at, when configured (an MCP tool's resource, or <c>proxy.public_origin</c>): a proof's <c>htu</c> is compared
    /// with it and the request's path, never with the <c>Host</c> the request arrived with; null: the request as it arrived.
    /// </param>
    /// <param name="cancellationToken">The call's abort.</param>
    /// <param name="mcp">Whether the call is to an MCP tool (where a replayed proof is counted).</param>
    public async Task<ProxyRefusal?> CheckAsync(HttpRequest request, string token, bool presentedAsDpop, Uri? publicOrigin, CancellationToken cancellationToken, bool mcp = false)
    {
        var (reason, proofError, dpopBound) = await ReasonAsync(request, token, presentedAsDpop, publicOrigin, mcp, cancellationToken);
        if (reason is null)
        {
            return null;
        }

        return proofError
            ? ProxyRefusal.InvalidDpopProof(reason, _algorithms)
            : ProxyRefusal.InvalidToken(ProxyChecks.NotHolder, reason) with { DpopAlgorithms = presentedAsDpop || dpopBound ? _algorithms : null };
    }

    private async Task<(string? Reason, bool ProofError, bool DpopBound)> ReasonAsync(HttpRequest request, string token, bool presentedAsDpop, Uri? publicOrigin, bool mcp, CancellationToken cancellationToken)
    {
        var jwt = new JsonWebToken(token);
        var cnf = ConfirmationClaim.FromToken(jwt);
        if (cnf is null)
        {
            if (jwt.TryGetClaim("cnf", out _))
            {
                return ("the credential's cnf claim binds nothing the proxy can check; it is refused rather than treated as a bearer credential", false, false);
            }

            // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound credentials only.
            return (presentedAsDpop ? "this credential is not DPoP-bound; send it as 'Authorization: Bearer <credential>'" : null, false, false);
        }

        if (cnf.X5tS256 is not null)
        {
            return ("the credential is bound to a client certificate (cnf x5t#S256), and the egress proxy listens without TLS so it cannot see one; call the tool directly over mTLS, or request a DPoP-bound or unbound credential for proxied calls", false, false);
        }

        if (!presentedAsDpop)
        {
            // RFC 9449 §7.2: a DPoP-bound credential sent as a bearer credential is refused, proof or not.
            return ("this credential is DPoP-bound; send 'Authorization: DPoP <credential>' with a DPoP proof header signed by the bound key", false, true);
        }

        var proofs = request.Headers[ProxyHeaders.Dpop];
        if (proofs.Count != 1 || string.IsNullOrEmpty(proofs[0]))
        {
            // RFC 9449 §7.1: a missing or invalid proof is invalid_dpop_proof, answered with a DPoP challenge.
            return ("send exactly one DPoP proof header, signed by the key this credential is bound to, for this method and proxy URL", true, true);
        }

        // RFC 9449 §4.3: htu is the URL the agent called; behind a TLS terminator the request arrives with another scheme and Host.
        var url = publicOrigin is null
            ? UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path)
            : publicOrigin.GetLeftPart(UriPartial.Authority) + UriHelper.BuildRelative(request.PathBase, request.Path);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            // An empty Host, or a port beyond 65535, names no URL a proof's htu could be (RFC 9449 §4.3): refused, never a 500.
            return ("the request's Host header does not form a URL, so no DPoP proof can be for it; send the proxy's host and port as Host (or an operator sets proxy.public_origin)", true, true);
        }

        var result = await _dpop.ValidateAsync(new DpopProofRequest(proofs[0]!, request.Method, uri) { AccessToken = token }, cancellationToken);
        if (!result.IsValid)
        {
            Telemetry.RequestMetrics.CountDpopReplay(result.CheckId, mcp ? Telemetry.RequestMetrics.AtMcp : Telemetry.RequestMetrics.AtProxy);
            return (result.FailureReason ?? "the DPoP proof is invalid", true, true);
        }

        var binding = ConfirmationClaim.IsBoundTo(cnf, null, result.JwkThumbprint);
        return binding.Satisfied ? (null, false, true) : (binding.FailureReason, true, true);
    }
}
