using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Exchange;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Credentials.X509;

/// <summary>
/// For tools of kind <c>x509</c>: signs a short-lived client certificate for the agent's own SPIFFE ID over
/// the key of the PKCS#10 request it sent in <c>mandate_csr</c>, records it, and only then hands it back.
/// The certificate's lifetime is the decided credential lifetime; its serial is the credential's id in the audit.
/// </summary>
public sealed class X509CredentialIssuer : ICredentialIssuer
{
    /// <summary>Mandate-specific form parameter: the PKCS#10 request, PEM or base64url DER.</summary>
    public const string CsrParameter = "mandate_csr";

    /// <summary>The <c>issued_token_type</c> of a certificate: the PEM leaf is in <c>access_token</c>.</summary>
    public const string X509TokenType = "urn:mandate:params:oauth:token-type:x509-certificate";

    private const int MaxCsrLength = 8 * 1024;
    private readonly SpiffeAuthority? _authority;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;

    public X509CredentialIssuer(SpiffeAuthority? authority, IUnitOfWork trail, MandateOptions options)
    {
        _authority = authority;
        _trail = trail;
        _options = options;
    }

    public CredentialKind Kind => CredentialKind.X509;

    public async ValueTask IssueAsync(ExchangeContext context, CredentialClaims claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(claims);
        var tool = context.Tool!.Name;
        if (_authority is null)
        {
            context.Reject(OAuthError.InvalidTarget($"tool '{tool}' takes X.509 client certificates but Mandate's SPIFFE CA is off; an operator must set spiffe.enabled: true"));
            return;
        }

        var csr = ReadCsr(context.Request[CsrParameter]);
        if (csr is null)
        {
            context.Reject(OAuthError.InvalidRequest($"tool '{tool}' takes an X.509 client certificate: send a PKCS#10 certificate request for a P-256 key in {CsrParameter} (PEM or base64url DER)"));
            return;
        }

        X509Svid svid;
        try
        {
            // Proof of possession: the request's own signature must verify; only its key is certified.
            svid = _authority.IssueX509SvidForCsr(claims.Agent, csr, claims.ExpiresAt - claims.IssuedAt);
        }
        catch (CryptographicException)
        {
            context.Reject(OAuthError.InvalidRequest($"{CsrParameter} is not a PKCS#10 request signed by its own P-256 or P-384 key"));
            return;
        }

        using (svid)
        {
            claims = claims with { Jti = "x509_" + svid.Serial.ToLowerInvariant(), ExpiresAt = svid.ExpiresAt, Confirmation = null };
            var ca = _authority.CaCertificate;
            var batch = IssuanceRecords.Batch(context, claims, _options, "x509", ca.SerialNumber, new Dictionary<string, string>
            {
                ["serial"] = svid.Serial,
                ["spiffe_id"] = svid.SpiffeId,
                ["public_key_sha256"] = Base64UrlEncoder.Encode(SHA256.HashData(svid.Certificate.PublicKey.ExportSubjectPublicKeyInfo())),
            });
            try
            {
                // Invariant 2: audit before credential.
                await _trail.CommitAsync(batch, cancellationToken);
            }
            catch (StoreUnavailableException)
            {
                context.Reject(OAuthError.TemporarilyUnavailable($"the audit store could not record decision {context.DecisionId}, so no certificate was issued; retry shortly"));
                return;
            }

            // RFC 8693 §2.2.1: token_type N_A, the issued token is not an access token.
            context.Response = new TokenExchangeResponse(
                svid.CertificateChainPem(), X509TokenType, "N_A", (int)Math.Max(0, (svid.ExpiresAt - context.Now).TotalSeconds), claims.Scope);
        }
    }

    private static byte[]? ReadCsr(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxCsrLength)
        {
            return null;
        }

        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                var pem = PemEncoding.Find(text);
                return text[pem.Label] == "CERTIFICATE REQUEST" ? Convert.FromBase64String(text[pem.Base64Data]) : null;
            }

            // base64url (padded or not) or plain base64 of the DER.
            return Base64UrlEncoder.DecodeBytes(text.Trim().TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return null;
        }
    }
}
