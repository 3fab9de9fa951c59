using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>Approvals as the cluster tests drive them: asked through one node, polled through any.</summary>
internal static class ClusterApprovals
{
    /// <summary>More than the interval a pending answer names, so a poll after it is never <c>slow_down</c>.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(6);

    /// <summary>The support agent asks <paramref name="node"/> for a refund of <paramref name="amount"/>; returns the auth_req_id.</summary>
    public static async Task<string> AskAsync(BrokerHarness node, int amount = 250)
    {
        var details = amount == 250 ? ApprovalTest.BigRefund : $$"""[{"type":"refund","amount":{{amount}},"currency":"EUR"}]""";
        var ask = await node.PostFormAsync("oauth2/token", node.RefundRequest().ToForm().Append(new("authorization_details", details)));
        Assert.True(ask.Error == "authorization_pending", ask.ToString());
        return ask.Member("auth_req_id") ?? throw new Xunit.Sdk.XunitException($"no auth_req_id in {ask}");
    }

    /// <summary>The support agent's CIBA poll of <paramref name="id"/> through <paramref name="node"/>.</summary>
    public static Task<OAuthReply> PollAsync(BrokerHarness node, string id) =>
        node.PostFormAsync("oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", node.Svid(SupportAgent)),
            new("actor_token_type", ExchangeRequest.JwtType),
        ]);
}
