using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint;
using Mandate.Server.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.SenderConstraint;

/// <summary>
/// Reads what the transport proves about a token request: the X.509-SVID client certificate
/// (authentication, RFC 8705 §2) and the DPoP proof (RFC 9449 §5). The result is the request's
/// <see cref="SenderBinding"/>, or the OAuth error to answer with (already audited where required).
/// </summary>
public sealed class TokenRequestBinding
{
    private readonly ClientCertificateAuthenticator _certificates;
    private readonly DpopProofValidator _dpop;
    private readonly DpopNonces _nonces;
    private readonly bool _requireNonce;
    private readonly Uri _tokenEndpoint;

    public TokenRequestBinding(ClientCertificateAuthenticator certificates, DpopProofValidator dpop, DpopNonces nonces, MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _certificates = certificates;
        _dpop = dpop;
        _nonces = nonces;
        _requireNonce = options.SenderConstraint.Dpop.RequireNonce;
        // htu is checked against the public URL clients were told (metadata token_endpoint), not the
        // Host header, which a proxy or a client may set to anything.
        _tokenEndpoint = new Uri(options.Issuer.TrimEnd('/') + TokenEndpoint.Path);
    }

    /// <summary>The binding, or an error (and for <c>use_dpop_nonce</c>, the nonce to send in <c>DPoP-Nonce</c>).</summary>
    public async Task<(SenderBinding Binding, OAuthError? Error, string? Nonce)> ReadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (identity, certificate, certificateError) = await _certificates.AuthenticateAsync(http, cancellationToken);
        if (certificateError is not null)
        {
            return (SenderBinding.None, certificateError, null);
        }

        var thumbprint = certificate is null ? null : CertificateThumbprint.X5tS256(certificate);
        var headers = http.Request.Headers[ConfirmationNames.DpopHeader];
        if (headers.Count == 0)
        {
            if (_requireNonce)
            {
                // Nothing to check, but hand out a nonce so the client's first DPoP request can succeed.
                http.Response.Headers[ConfirmationNames.DpopNonceHeader] = _nonces.Current();
            }

            return (new SenderBinding(identity, thumbprint, null), null, null);
        }

        // RFC 9449 §4.3 step 1: exactly one DPoP header (a comma means several were folded into one line).
        if (headers.Count > 1 || headers[0]?.Contains(',', StringComparison.Ordinal) == true)
        {
            return (SenderBinding.None, InvalidProof(BindingChecks.DpopHeaderRepeated, "send exactly one DPoP header (RFC 9449 section 4.3)"), null);
        }

        // The replay check waits for the Attest stage (SenderBinding.Proof): only a caller that proved who it is has its jti remembered.
        var result = await _dpop.CheckAsync(
            new DpopProofRequest(headers[0] ?? "", HttpMethods.Post, _tokenEndpoint) { AcceptNonce = _requireNonce ? _nonces.IsAcceptable : null },
            cancellationToken);
        return result.Failure switch
        {
            DpopFailure.None => (new SenderBinding(identity, thumbprint, result.JwkThumbprint) { Proof = result }, null, null),
            DpopFailure.UseNonce => (SenderBinding.None, Refusal(ConfirmationNames.UseDpopNonce, result), _nonces.Current()),
            _ => (SenderBinding.None, Refusal(ConfirmationNames.InvalidDpopProof, result), null),
        };
    }

    // RFC 9449 §5.1 / §8: invalid_dpop_proof, or use_dpop_nonce with the nonce to retry with; the check id says which step failed.
    private static OAuthError Refusal(string error, DpopValidationResult result) =>
        new Check(result.CheckId ?? BindingChecks.DpopProofMalformed, error).Refuse(result.FailureReason ?? "the DPoP proof is invalid");

    private static OAuthError InvalidProof(string checkId, string description) => new Check(checkId, ConfirmationNames.InvalidDpopProof).Refuse(description);
}
