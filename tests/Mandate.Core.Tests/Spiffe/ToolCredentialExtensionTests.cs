using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.SenderConstraint;

namespace Mandate.Core.Tests.Spiffe;

/// <summary>The tool credential extension: what the broker writes is what a tool reads, and any other content is refused, never thrown.</summary>
public sealed class ToolCredentialExtensionTests
{
    private static readonly ToolCertificateClaims Full = new()
    {
        Audience = "https://ledger.acme.example",
        Tool = "ledger",
        Tenant = "acme",
        User = "alice",
        Run = "run_1",
        Scope = "ledger:read ledger:write",
        Jti = ToolCredentialExtension.JtiOf("7F01AB"),
        PolicyVersion = "sha256:abc",
        DecisionId = "dec_1",
    };

    [Fact]
    public void Read_WhatCreateWrote_SameClaimsWithAndWithoutTheOptionalMembers()
    {
        using var full = Certificate(ToolCredentialExtension.Create(Full));
        using var background = Certificate(ToolCredentialExtension.Create(Full with { User = null, Run = null }));

        Assert.Equal(Full, ToolCredentialExtension.Read(full, out _));
        Assert.Equal(Full with { User = null, Run = null }, ToolCredentialExtension.Read(background, out _));
        Assert.Equal("x509_7f01ab", Full.Jti);
    }

    [Fact]
    public void Read_NoExtension_NullNamingTheMissingExtension()
    {
        using var plain = Certificate();

        Assert.Null(ToolCredentialExtension.Read(plain, out var error));
        Assert.False(ToolCredentialExtension.IsPresent(plain));
        Assert.Contains("no Mandate tool credential extension", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("trailing")]
    [InlineData("integer")]
    public void Read_ContentNotTheModule_NullNotAnException(string shape)
    {
        var full = ToolCredentialExtension.Create(Full).RawData;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        if (shape == "garbage")
        {
            writer.WriteOctetString([1, 2, 3]);
        }
        else if (shape == "trailing")
        {
            writer.WriteEncodedValue(full);
            writer.WriteNull();
        }
        else
        {
            // Every member, then one the module does not have.
            var members = new AsnReader(full, AsnEncodingRules.DER).ReadSequence();
            using (writer.PushSequence())
            {
                while (members.HasData)
                {
                    writer.WriteEncodedValue(members.ReadEncodedValue().Span);
                }

                writer.WriteInteger(7);
            }
        }

        using var certificate = Certificate(new X509Extension(ToolCredentialExtension.Oid, writer.Encode(), false));

        Assert.True(ToolCredentialExtension.IsPresent(certificate));
        Assert.Null(ToolCredentialExtension.Read(certificate, out var error));
        Assert.Contains("not the DER module", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ValueWithALineBreak_RefusedAsNotIdentityText()
    {
        using var certificate = Certificate(ToolCredentialExtension.Create(Full with { Tenant = "acme\nglobex" }));

        Assert.Null(ToolCredentialExtension.Read(certificate, out var error));
        Assert.Contains("not identity text", error, StringComparison.Ordinal);
    }

    private static X509Certificate2 Certificate(params X509Extension[] extensions)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=t", key, HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(5));
    }
}
