using Mandate.Core.Keys;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// <c>signing_alg: RS256</c> is read at start: a restart that adds it makes the node's RSA key, one that removes it from
/// every tool stops using, publishing and accepting the RSA keys; the ES256 key is untouched either way.
/// </summary>
public sealed class Rs256RestartTests
{
    [Fact]
    public async Task Restart_AddingThenRemovingSigningAlg_MakesThenDropsTheRsaKeysAndKeepsTheEcKey()
    {
        await using var before = await BrokerHarness.StartAsync();
        var ecKid = before.Runtime.Keys.Current.Active.Kid;
        await before.StopAsync();

        await using var added = await BrokerHarness.StartNodeAsync(before.Directory, "mandate.yaml", Rs256CredentialTests.RsaRefunds, before.Clock);
        var rs256 = await added.IssueAsync();
        var rsaKid = added.Runtime.RsaKeys!.Current.Active.Kid;
        Assert.Equal(("RS256", rsaKid), (IssuedTokens.Read(rs256).Alg, IssuedTokens.Read(rs256).Kid));
        Assert.Contains(rsaKid, await KidsAsync(added));
        Assert.Equal(ecKid, added.Runtime.Keys.Current.Active.Kid);
        await added.StopAsync();

        await using var removed = await BrokerHarness.StartNodeAsync(before.Directory, "mandate.yaml", Configuration, before.Clock);
        Assert.Null(removed.Runtime.RsaKeys);
        Assert.Equal([ecKid], await KidsAsync(removed));
        Assert.Equal("ES256", IssuedTokens.Read(await removed.IssueAsync()).Alg);
        // Fail closed: an RS256 credential issued before the restart is no longer accepted (it would expire within lifetimes.max).
        IntrospectionReply.AssertInactive(await removed.IntrospectAsync(rs256, removed.Svid(RefundsWorkload)));
        Assert.Single(await removed.Runtime.Store.ListKeysAsync(KeyPurposes.TokenSigningRs256, CancellationToken.None));
    }

    private static async Task<IEnumerable<string>> KidsAsync(BrokerHarness broker) =>
        new JsonWebKeySet(await broker.Http.GetStringAsync(".well-known/jwks.json")).Keys.Select(k => k.Kid);
}
