using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint;

/// <summary>
/// The <c>cnf</c> claim (RFC 7800) of a sender-constrained token: a certificate thumbprint
/// (RFC 8705 §3.1, <c>x5t#S256</c>) and/or a DPoP key thumbprint (RFC 9449 §6.1, <c>jkt</c>).
/// </summary>
/// <param name="X5tS256">base64url SHA-256 of the bound client certificate, or null.</param>
/// <param name="Jkt">RFC 7638 thumbprint of the bound DPoP key, or null.</param>
public sealed record ConfirmationClaim(string? X5tS256, string? Jkt)
{
    /// <summary>True when the claim binds the token to something (a token with an empty cnf is a bearer token).</summary>
    public bool IsEmpty => X5tS256 is null && Jkt is null;

    /// <summary>A claim binding to a client certificate.</summary>
    public static ConfirmationClaim ForCertificate(X509Certificate2 certificate) =>
        new(CertificateThumbprint.X5tS256(certificate), null);

    /// <summary>A claim binding to a DPoP key by its RFC 7638 thumbprint.</summary>
    public static ConfirmationClaim ForDpopKey(string jkt)
    {
        ArgumentException.ThrowIfNullOrEmpty(jkt);
        return new(null, jkt);
    }

    /// <summary>
    /// The claim value for <see cref="SecurityTokenDescriptor.Claims"/> (serialised as a JSON object).
    /// </summary>
    public Dictionary<string, object> ToClaimValue()
    {
        var value = new Dictionary<string, object>(StringComparer.Ordinal);
        if (X5tS256 is not null)
        {
            value[ConfirmationNames.X5tS256] = X5tS256;
        }

        if (Jkt is not null)
        {
            value[ConfirmationNames.Jkt] = Jkt;
        }

        return value;
    }

    /// <summary>Writes the claim as a JSON object (for introspection responses).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (X5tS256 is not null)
        {
            writer.WriteString(ConfirmationNames.X5tS256, X5tS256);
        }

        if (Jkt is not null)
        {
            writer.WriteString(ConfirmationNames.Jkt, Jkt);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads <c>cnf</c> from a JSON object value. Returns null when the element is not an object
    /// or carries neither member; non-string members are ignored (and so bind nothing).
    /// </summary>
    public static ConfirmationClaim? FromJson(JsonElement cnf)
    {
        if (cnf.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var x5t = ReadString(cnf, ConfirmationNames.X5tS256);
        var jkt = ReadString(cnf, ConfirmationNames.Jkt);
        return x5t is null && jkt is null ? null : new ConfirmationClaim(x5t, jkt);
    }

    /// <summary>Reads <c>cnf</c> from a token's payload; null when the token is a bearer token.</summary>
    public static ConfirmationClaim? FromToken(JsonWebToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty(ConfirmationNames.Cnf, out var cnf)
                ? FromJson(cnf)
                : null;
    }

    /// <summary>
    /// Checks a presentation against a token's <c>cnf</c>: RFC 8705 §3 (the TLS client certificate
    /// must hash to <c>x5t#S256</c>) and RFC 9449 §7.1 (a valid proof whose key hashes to <c>jkt</c>).
    /// </summary>
    /// <param name="cnf">The token's confirmation claim; null for a bearer token.</param>
    /// <param name="presentedCertificate">The TLS client certificate of this request, if any.</param>
    /// <param name="dpopJkt">
    /// Thumbprint of the key of a DPoP proof that was already validated for this request
    /// (<see cref="DpopProofValidator"/>), or null when no valid proof came with it.
    /// </param>
    public static BindingCheckResult IsBoundTo(ConfirmationClaim? cnf, X509Certificate2? presentedCertificate, string? dpopJkt)
    {
        if (cnf is null || cnf.IsEmpty)
        {
            return BindingCheckResult.Bearer;
        }

        if (cnf.X5tS256 is not null)
        {
            if (presentedCertificate is null)
            {
                return BindingCheckResult.Fail(
                    BindingChecks.CertificateMissing,
                    "the token is bound to a client certificate (cnf.x5t#S256, RFC 8705) but the request presented none; call over mutual TLS with that certificate");
            }

            if (!FixedEquals(cnf.X5tS256, CertificateThumbprint.X5tS256(presentedCertificate)))
            {
                return BindingCheckResult.Fail(
                    BindingChecks.CertificateMismatch,
                    "the token is bound to a different client certificate (cnf.x5t#S256 does not match the presented certificate, RFC 8705 section 3)");
            }
        }

        if (cnf.Jkt is not null)
        {
            if (dpopJkt is null)
            {
                return BindingCheckResult.Fail(
                    BindingChecks.DpopProofMissing,
                    "the token is DPoP-bound (cnf.jkt, RFC 9449) but the request carried no valid DPoP proof; send a DPoP header signed with the bound key");
            }

            if (!FixedEquals(cnf.Jkt, dpopJkt))
            {
                return BindingCheckResult.Fail(
                    BindingChecks.DpopKeyMismatch,
                    "the DPoP proof was signed with another key than the one the token is bound to (cnf.jkt mismatch, RFC 9449 section 7.1)");
            }
        }

        return BindingCheckResult.Bound;
    }

    private static string? ReadString(JsonElement cnf, string name) =>
        cnf.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : null;

    private static bool FixedEquals(string expected, string actual) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));
}
