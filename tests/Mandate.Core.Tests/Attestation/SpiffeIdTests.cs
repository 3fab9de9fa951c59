using Mandate.Core.Attestation;
using Mandate.Core.Protocol;

namespace Mandate.Core.Tests.Attestation;

public sealed class SpiffeIdTests
{
    [Theory]
    [InlineData("spiffe://acme.example/agents/support", "acme.example")]
    [InlineData("spiffe://acme.example/Agents/Support_2/v1.0-beta", "acme.example")]
    [InlineData("spiffe://prod-1.acme_corp.example/ns/default/sa/web", "prod-1.acme_corp.example")]
    [InlineData("spiffe://acme.example", "acme.example")]
    // SPIFFE-ID §2.1: an IPv4 dotted quad is a trust domain name like any other, processed no differently.
    [InlineData("spiffe://192.168.0.1/agents/support", "192.168.0.1")]
    // SPIFFE-ID §2.2: only the segments '.' and '..' are relative path modifiers; '...' and '.hidden' are names.
    [InlineData("spiffe://acme.example/.../.hidden", "acme.example")]
    public void TryGetTrustDomain_ValidId_GivesItsTrustDomain(string id, string trustDomain)
    {
        Assert.True(SpiffeId.TryGetTrustDomain(id, out var domain));
        Assert.Equal(trustDomain, domain);
        Assert.True(SpiffeId.IsValid(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("acme.example/agents/support")]
    [InlineData("//acme.example/agents/support")]
    [InlineData("https://acme.example/agents/support")]
    [InlineData("SPIFFE://acme.example/agents/support")]
    [InlineData("spiffe:/acme.example/agents/support")]
    [InlineData("spiffe://")]
    [InlineData("spiffe:///agents/support")]
    [InlineData("spiffe://Acme.example/agents/support")]
    [InlineData("spiffe://ACME.EXAMPLE/agents/support")]
    [InlineData("spiffe://acme.example:8443/agents/support")]
    [InlineData("spiffe://admin@acme.example/agents/support")]
    [InlineData("spiffe://admin:secret@acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/support?tenant=acme")]
    [InlineData("spiffe://acme.example/agents/support#frag")]
    [InlineData("spiffe://acme.example/agents//support")]
    [InlineData("spiffe://acme.example//agents")]
    [InlineData("spiffe://acme.example/agents/../admin")]
    [InlineData("spiffe://acme.example/agents/./support")]
    [InlineData("spiffe://acme.example/..")]
    [InlineData("spiffe://acme.example/agents/support/")]
    [InlineData("spiffe://acme.example/")]
    [InlineData("spiffe://acme.example/agents/sup%20port")]
    [InlineData("spiffe://acme.example/agents/sup port")]
    [InlineData("spiffe://acme.exämple/agents/support")]
    [InlineData(" spiffe://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/support\n")]
    [InlineData("spiffe://acme.example?x=1")]
    [InlineData("spiffe://acme.example#frag")]
    [InlineData("spiffe://acme.example:/agents/support")]
    [InlineData("spiffe://@acme.example/agents/support")]
    [InlineData("spiffe://%61cme.example/agents/support")]
    [InlineData("spiffe://[::1]/agents/support")]
    [InlineData("spiffe://acme.example/ag\u00e9nts/support")]
    [InlineData("spiffe://acme.example/agents/support/.")]
    [InlineData("spiffe://acme.example/agents\\support")]
    [InlineData("spiffe:acme.example/agents/support")]
    public void IsValid_MalformedId_IsFalse(string? id)
    {
        Assert.False(SpiffeId.IsValid(id));
        Assert.False(SpiffeId.TryGetTrustDomain(id, out var domain));
        Assert.Equal("", domain);
    }

    [Fact]
    public void IsValid_LongerThan2048_IsFalse()
    {
        var prefix = "spiffe://acme.example/";
        Assert.True(SpiffeId.IsValid(prefix + new string('a', 2048 - prefix.Length)));
        Assert.False(SpiffeId.IsValid(prefix + new string('a', 2049 - prefix.Length)));
    }

    [Fact]
    public void IsValid_TrustDomainLongerThan255_IsFalse()
    {
        // SPIFFE-ID §2.3: the trust domain is a URI host (RFC 3986), at most 255 bytes.
        Assert.True(SpiffeId.IsValidTrustDomain(new string('a', 255)));
        Assert.False(SpiffeId.IsValidTrustDomain(new string('a', 256)));
        Assert.False(SpiffeId.IsValid("spiffe://" + new string('a', 256) + "/agents/support"));
    }

    [Theory]
    [InlineData("acme.example", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("Acme.example", false)]
    [InlineData("acme.example:443", false)]
    [InlineData("acme example", false)]
    public void IsValidTrustDomain_Checks(string domain, bool valid)
    {
        Assert.Equal(valid, SpiffeId.IsValidTrustDomain(domain));
    }
}
