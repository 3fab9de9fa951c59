using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.ResourceServer;

/// <summary>
/// Sender constraint (RFC 8705 §3, RFC 9449 §7): a credential with a <c>cnf</c> claim is accepted only from its holder:
/// over TLS with the certificate <c>x5t#S256</c> names, and/or with a fresh DPoP proof signed by the key <c>jkt</c> names.
/// One per scheme, so the proof replay cache covers every request this service receives.
/// </summary>
internal sealed class ConfirmationState
{
    public const string Bearer = "bearer";

    private readonly DpopProofValidator _dpop;
    private readonly MandateTokenOptions _options;

    public ConfirmationState(MandateTokenOptions options, TimeProvider time)
    {
        _options = options;
        _dpop = new DpopProofValidator(new DpopValidationOptions { AllowedAlgorithms = [.. options.DpopAlgorithms], IatWindow = options.DpopProofWindow }, time, options.DpopReplayGuard);
    }

    /// <summary>How the credential is bound (<c>bearer</c>, <c>mtls</c>, <c>dpop</c>); throws <see cref="MandateTokenFailure"/> when the caller is not its holder.</summary>
    public async Task<string> CheckAsync(HttpContext http, JsonWebToken token, PresentedCredential presented)
    {
        var cnf = ConfirmationClaim.FromToken(token);
        if (cnf is null && token.TryGetClaim(ConfirmationNames.Cnf, out _))
        {
            // RFC 7800 §3.1: cnf is an object naming the key; one we cannot read may have meant a binding, so fail closed.
            throw MandateTokenFailure.Token("the credential's cnf claim binds nothing this service can check; it is refused rather than treated as a bearer credential");
        }

        if (cnf is null)
        {
            if (presented.IsDpop)
            {
                // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound credentials only.
                throw MandateTokenFailure.Token("this credential is not DPoP-bound; present it as 'Authorization: Bearer <credential>'");
            }

            return Bearer;
        }

        string? jkt = null;
        if (cnf.Jkt is not null)
        {
            // RFC 9449 §7.2: a DPoP-bound credential sent as a bearer credential is refused, proof or not.
            if (!presented.IsDpop)
            {
                throw MandateTokenFailure.Token("this credential is DPoP-bound; send 'Authorization: DPoP <credential>' with a DPoP proof header signed by the bound key");
            }

            jkt = await ValidateProofAsync(http, presented.Token);
        }
        else if (presented.IsDpop)
        {
            throw MandateTokenFailure.Token("this credential is bound to a client certificate, not a DPoP key; send it as 'Authorization: Bearer' over mutual TLS");
        }

        var certificate = cnf.X5tS256 is null ? null : await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        var binding = ConfirmationClaim.IsBoundTo(cnf, certificate, jkt);
        if (!binding.Satisfied)
        {
            throw jkt is null ? MandateTokenFailure.Token(binding.FailureReason!) : new MandateTokenFailure(MandateTokenFailure.InvalidDpopProof, binding.FailureReason!);
        }

        return (cnf.X5tS256, cnf.Jkt) switch
        {
            (not null, not null) => "mtls+dpop",
            (not null, null) => "mtls",
            _ => "dpop",
        };
    }

    private async Task<string> ValidateProofAsync(HttpContext http, string accessToken)
    {
        var proofs = http.Request.Headers[ConfirmationNames.DpopHeader];
        if (proofs.Count != 1 || string.IsNullOrEmpty(proofs[0]))
        {
            // RFC 9449 §4.3 step 1: exactly one DPoP header.
            throw new MandateTokenFailure(MandateTokenFailure.InvalidDpopProof, "send exactly one DPoP proof header, signed by the key this credential is bound to, for this method and URL");
        }

        var request = http.Request;
        var origin = _options.PublicOrigin?.GetLeftPart(UriPartial.Authority) ?? $"{request.Scheme}://{request.Host}";
        if (!Uri.TryCreate(origin + UriHelper.BuildRelative(request.PathBase, request.Path), UriKind.Absolute, out var uri))
        {
            // An empty Host, or a port beyond 65535, names no URL a proof's htu could be: a bad proof, never a 500.
            throw new MandateTokenFailure(MandateTokenFailure.InvalidDpopProof, "the request's Host header does not form a URL, so no DPoP proof can be for it; set PublicOrigin, or send this service's host and port as Host");
        }

        // ath binds the proof to this credential (RFC 9449 §4.3 step 12), so a proof cannot travel with another token.
        var result = await _dpop.ValidateAsync(new DpopProofRequest(proofs[0]!, request.Method, uri) { AccessToken = accessToken }, http.RequestAborted);
        return result.IsValid
            ? result.JwkThumbprint!
            : throw new MandateTokenFailure(MandateTokenFailure.InvalidDpopProof, result.FailureReason ?? "the DPoP proof is invalid");
    }
}
