using Mandate.Core.Attestation;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// A token attested before is served as the identity it was attested as, without being parsed and mapped again,
/// and only while its issuer, the issuer's key and its lifetime still hold; never as another kind of identity.
/// </summary>
public sealed partial class ValidatedTokenCacheTests
{
    [Fact]
    public async Task AttestWorkload_SameTokenTwice_ServesTheRememberedIdentity()
    {
        var attestor = Attestor(Cache());
        var token = _env.WorkloadToken();

        var first = await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);
        var second = await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        Assert.Same(first.Identity, second.Identity);
    }

    [Fact]
    public async Task AttestSubject_RememberedUserToken_ServedAsTheSameUserOnly()
    {
        var attestor = Attestor(Cache());
        var token = _env.UserToken();

        var (_, first) = await attestor.AttestSubjectAsync(token, "subject_token", CancellationToken.None);
        var (workload, second) = await attestor.AttestSubjectAsync(token, "subject_token", CancellationToken.None);

        Assert.Null(workload);
        Assert.Same(first!.Identity, second!.Identity);
        AssertRefused(await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None), token, "trusted for user identities, not workload identities");
    }

    [Fact]
    public async Task AttestWorkload_RememberedTokenAfterItsIssuerIsNoLongerTrusted_Refused()
    {
        var cache = Cache();
        var token = _env.WorkloadToken();
        Assert.NotNull((await Attestor(cache).AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);

        var withoutWorkloads = new JwtAttestor([new TrustedIssuer(_env.UserOptions, _userKeys, Audience)], _env.Clock, cache);

        AssertRefused(await withoutWorkloads.AttestWorkloadAsync(token, Parameter, CancellationToken.None), token, "issuer that is not trusted");
    }

    [Fact]
    public async Task AttestWorkload_RememberedTokenExpires_RefusedAsExpired()
    {
        var attestor = Attestor(Cache());
        var token = _env.WorkloadToken();
        Assert.NotNull((await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);

        _env.Clock.Advance(TimeSpan.FromHours(2));

        AssertRefused(await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None), token, "has expired");
    }
}
