using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.SenderConstraint.Jose;

namespace Mandate.SenderConstraint;

/// <summary>
/// The non-critical certificate extension that makes an X.509 certificate a tool credential: it states the one decided
/// action (<see cref="ToolCertificateClaims"/>). The broker writes it on every <c>x509</c> tool credential and refuses any
/// certificate carrying it as a workload's identity; resource servers read it to authorise the call. The only writer
/// and the only reader (docs/spiffe-ca.md has the ASN.1 module):
/// <code>
/// MandateToolCredential ::= SEQUENCE {
///     audience       UTF8String,
///     tool           UTF8String,
///     tenant         UTF8String,
///     user           [0] IMPLICIT UTF8String OPTIONAL,
///     run            [1] IMPLICIT UTF8String OPTIONAL,
///     scope          UTF8String,
///     jti            UTF8String,
///     policyVersion  UTF8String,
///     decision       UTF8String }
/// </code>
/// </summary>
public static class ToolCredentialExtension
{
    /// <summary>
    /// The extension's OID. ITU-T X.667 §6.3: an OID under 2.25 made from a UUID (here 2e284ef8-0b8d-40b9-8cd5-4092bcfa152c,
    /// generated once) is unique without registration. A changed shape gets a new OID, never a reinterpretation of this one.
    /// </summary>
    public const string Oid = "2.25.61353781360556010929416239808060724524";

    private const string JtiPrefix = "x509_";
    private static readonly Asn1Tag UserTag = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag RunTag = new(TagClass.ContextSpecific, 1);

    /// <summary>The credential id of the certificate with serial <paramref name="serialHex"/>, as audited and as <see cref="ToolCertificateClaims.Jti"/>.</summary>
    public static string JtiOf(string serialHex)
    {
        ArgumentNullException.ThrowIfNull(serialHex);
        return JtiPrefix + serialHex.ToLowerInvariant();
    }

    /// <summary>The DER extension stating <paramref name="grant"/>; non-critical, so TLS stacks that do not know it still build the chain.</summary>
    public static X509Extension Create(ToolCertificateClaims grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.Audience);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.Tool);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.Tenant);
            if (grant.User is not null)
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.User, UserTag);
            }

            if (grant.Run is not null)
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.Run, RunTag);
            }

            writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.Scope);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.Jti);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.PolicyVersion);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, grant.DecisionId);
        }

        return new X509Extension(new Oid(Oid), writer.Encode(), critical: false);
    }

    /// <summary>True when <paramref name="certificate"/> carries the extension (well-formed or not): it is a tool credential, never a workload identity.</summary>
    public static bool IsPresent(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Extensions[Oid] is not null;
    }

    /// <summary>
    /// The grant <paramref name="certificate"/> states, or null with <paramref name="error"/> (client-safe) when it has no
    /// extension, has it twice, or its content is not the module above. Read only after the chain was verified.
    /// </summary>
    public static ToolCertificateClaims? Read(X509Certificate2 certificate, out string? error)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var found = certificate.Extensions.Where(e => e.Oid?.Value == Oid).ToList();
        error = found.Count switch
        {
            0 => "the certificate has no Mandate tool credential extension; it is a workload identity, not a credential for a tool: get one from the broker's token exchange for this tool",
            // RFC 5280 §4.2: a certificate must not include more than one instance of an extension.
            > 1 => "the certificate has the Mandate tool credential extension more than once (RFC 5280 section 4.2)",
            _ => null,
        };
        if (error is not null)
        {
            return null;
        }

        try
        {
            var outer = new AsnReader(found[0].RawData, AsnEncodingRules.DER);
            var fields = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var audience = fields.ReadCharacterString(UniversalTagNumber.UTF8String);
            var tool = fields.ReadCharacterString(UniversalTagNumber.UTF8String);
            var tenant = fields.ReadCharacterString(UniversalTagNumber.UTF8String);
            var user = fields.HasData && fields.PeekTag().HasSameClassAndValue(UserTag) ? fields.ReadCharacterString(UniversalTagNumber.UTF8String, UserTag) : null;
            var run = fields.HasData && fields.PeekTag().HasSameClassAndValue(RunTag) ? fields.ReadCharacterString(UniversalTagNumber.UTF8String, RunTag) : null;
            var grant = new ToolCertificateClaims
            {
                Audience = audience,
                Tool = tool,
                Tenant = tenant,
                User = user,
                Run = run,
                Scope = fields.ReadCharacterString(UniversalTagNumber.UTF8String),
                Jti = fields.ReadCharacterString(UniversalTagNumber.UTF8String),
                PolicyVersion = fields.ReadCharacterString(UniversalTagNumber.UTF8String),
                DecisionId = fields.ReadCharacterString(UniversalTagNumber.UTF8String),
            };
            fields.ThrowIfNotEmpty();
            string?[] values = [grant.Audience, grant.Tool, grant.Tenant, grant.Scope, grant.Jti, grant.PolicyVersion, grant.DecisionId];
            if (values.Any(v => !IdentityText.IsAllowed(v)) || (user is not null && !IdentityText.IsAllowed(user)) || (run is not null && !IdentityText.IsAllowed(run)))
            {
                error = $"the certificate's Mandate tool credential extension holds a value that is not identity text ({IdentityText.Rule})";
                return null;
            }

            return grant;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            error = "the certificate's Mandate tool credential extension is not the DER module of docs/spiffe-ca.md";
            return null;
        }
    }
}
