using System.Security.Cryptography;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Spiffe;
using Mandate.SenderConstraint;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Credentials.X509;

/// <summary>
/// Kind <c>x509</c>: signs a short-lived client certificate for the agent's own SPIFFE ID over the key of the
/// PKCS#10 request it sent in <c>mandate_csr</c>, stating the decided action (tool, tenant, user, run, scope) in
/// <see cref="ToolCredentialExtension"/>, so it authorises that action only and is never the agent's identity.
/// The certificate's lifetime is the decided credential lifetime; its serial is the credential's id in the audit,
/// and the CA's serial stands in the record's <c>kid</c>.
/// </summary>
public sealed class X509CredentialKind : ICredentialKind
{
    /// <summary>Mandate-specific form parameter: the PKCS#10 request, PEM or base64url DER.</summary>
    public const string CsrParameter = "mandate_csr";

    /// <summary>The <c>issued_token_type</c> of a certificate: the PEM chain is in <c>access_token</c>.</summary>
    public const string X509TokenType = CredentialTokenTypes.X509Certificate;

    private const int MaxCsrLength = 8 * 1024;
    private readonly SpiffeAuthority? _authority;

    /// <param name="authority">Mandate's SPIFFE CA, or null when <c>spiffe.enabled</c> is off (every request is then refused).</param>
    public X509CredentialKind(SpiffeAuthority? authority) => _authority = authority;

    public CredentialKind Kind => CredentialKind.X509;

    public string IssuedTokenType => X509TokenType;

    public bool IssuableAfterApproval => false;

    public ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Mint(request));
    }

    private Result<MintedCredential> Mint(CredentialRequest request)
    {
        var tool = request.Tool.Name;
        if (_authority is null)
        {
            return CredentialChecks.SpiffeCaDisabled.Refuse(
                $"tool '{tool}' takes X.509 client certificates but Mandate's SPIFFE CA is off; an operator must set spiffe.enabled: true");
        }

        if (ReadCsr(request.Csr) is not { } csr)
        {
            return CredentialChecks.CsrMissing.Refuse(
                $"tool '{tool}' takes an X.509 client certificate: send a PKCS#10 certificate request for a P-256 key in {CsrParameter} (PEM or base64url DER)");
        }

        var claims = request.Claims;
        X509Svid svid;
        try
        {
            // Proof of possession: the request's own signature must verify; only its key is certified.
            svid = _authority.IssueToolCredentialForCsr(claims.Agent, csr, claims.ExpiresAt - claims.IssuedAt, jti => new ToolCertificateClaims
            {
                Audience = claims.Audience,
                Tool = tool,
                Tenant = claims.Tenant,
                User = request.User,
                Run = string.IsNullOrEmpty(claims.Run) ? null : claims.Run,
                Scope = claims.Scope,
                Jti = jti,
                PolicyVersion = claims.PolicyVersion,
                DecisionId = claims.DecisionId,
            });
        }
        catch (CryptographicException e)
        {
            return CredentialChecks.CsrInvalid.Refuse($"{CsrParameter} is not a PKCS#10 request signed by its own P-256 or P-384 key", e.Message);
        }

        using (svid)
        {
            return new MintedCredential
            {
                Value = svid.CertificateChainPem(),
                IssuedTokenType = IssuedTokenType,
                // RFC 8693 §2.2.1: token_type N_A, the issued token is not an access token.
                TokenType = CredentialTokenTypes.NotApplicable,
                Claims = claims with { Jti = ToolCredentialExtension.JtiOf(svid.Serial), ExpiresAt = svid.ExpiresAt, Confirmation = null },
                Kid = _authority.CaCertificate.SerialNumber,
                Evidence = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["credential_kind"] = "x509",
                    ["serial"] = svid.Serial,
                    ["spiffe_id"] = svid.SpiffeId,
                    ["public_key_sha256"] = Base64UrlEncoder.Encode(SHA256.HashData(svid.Certificate.PublicKey.ExportSubjectPublicKeyInfo())),
                },
            };
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
