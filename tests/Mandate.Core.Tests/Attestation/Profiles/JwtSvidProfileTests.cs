using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation.Profiles;

/// <summary>JWT-SVIDs: sub is the SPIFFE ID and must lie in the issuer's trust domain.</summary>
public sealed class JwtSvidProfileTests : IDisposable
{
    private readonly ProfileFixture _f = new("https://spire.acme.example");

    public void Dispose() => _f.Dispose();

    private TrustedIssuerOptions Svid => _f.Options(IssuerProfile.JwtSvid);

    [Fact]
    public async Task Attest_SvidInMandatesTrustDomain_IsTheWorkloadIdentity()
    {
        var result = await _f.AttestAsync(Svid, _f.Token("spiffe://acme.example/agents/support"));

        Assert.Equal("spiffe://acme.example/agents/support", result.Identity?.SpiffeId);
        Assert.Equal("jwt-svid", result.Identity!.Evidence.Profile);
    }

    [Fact]
    public async Task Attest_WorkloadIssuerWithoutProfile_DefaultsToJwtSvid()
    {
        var result = await _f.AttestAsync(Svid with { Profile = null }, _f.Token("spiffe://acme.example/agents/support"));

        Assert.Equal("jwt-svid", result.Identity?.Evidence.Profile);
    }

    [Fact]
    public async Task Attest_SubInAnotherTrustDomain_IsRefused()
    {
        var token = _f.Token("spiffe://evil.example/agents/support");

        AssertRefused(await _f.AttestAsync(Svid, token), token, "outside the trust domain 'acme.example' that issuer 'test-issuer' speaks for");
    }

    [Fact]
    public async Task Attest_SubInTheIssuersOwnTrustDomain_IsAccepted()
    {
        var options = Svid with { TrustDomain = "partner.example" };

        var result = await _f.AttestAsync(options, _f.Token("spiffe://partner.example/agents/support"));

        Assert.Equal("spiffe://partner.example/agents/support", result.Identity?.SpiffeId);
    }

    [Theory]
    [InlineData("support")]
    [InlineData("spiffe://acme.example")]
    [InlineData("spiffe://acme.example/agents/../admin")]
    [InlineData("spiffe://ACME.example/agents/support")]
    [InlineData("https://acme.example/agents/support")]
    public async Task Attest_MalformedSpiffeSub_IsRefused(string sub)
    {
        var token = _f.Token(sub);

        AssertRefused(await _f.AttestAsync(Svid, token), token, "'sub' is not a SPIFFE ID");
    }

    [Fact]
    public async Task Attest_WrongAudience_IsRefused()
    {
        var token = _f.Token("spiffe://acme.example/agents/support", p => p.Payload["aud"] = "spiffe://acme.example/other");

        AssertRefused(await _f.AttestAsync(Svid, token), token, "is not addressed to Mandate");
    }

    [Fact]
    public async Task Attest_ExpiredBeyondThisIssuersClockSkew_IsRefused()
    {
        var token = _f.Token("spiffe://acme.example/agents/support");
        _f.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(6));

        AssertRefused(await _f.AttestAsync(Svid with { ClockSkew = TimeSpan.FromSeconds(5) }, token), token, "has expired");
        Assert.NotNull((await _f.AttestAsync(Svid with { ClockSkew = TimeSpan.FromSeconds(10) }, token)).Identity);
    }
}
