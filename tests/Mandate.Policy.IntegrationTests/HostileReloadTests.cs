using Mandate.Core.Policy;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Policy.IntegrationTests;

/// <summary>
/// docs/policy.md (Versions and reloading): an invalid file never replaces a valid policy. Hostile rewrites of the
/// running broker's policy file are refused with file, line and key, and credentials keep carrying the old version.
/// </summary>
public sealed class HostileReloadTests
{
    public static TheoryData<string, int, string> HostileRewrites => new()
    {
        { "rules:\n  - id: everyone\n    reason: r\n    effect: !!python/object:os.system allow\n    agents: [\"spiffe://acme.example/**\"]\n    tools: ['*']\n    tenant: any\n", 4, "rules[0].effect" },
        { "rules: " + new string('[', 50_000) + new string(']', 50_000) + "\n", 1, "rules[0]" },
        { "rules:\n  - id: everyone\n    reason: r\n    effect: allow\n    agents: [\"spiffe://acme.example/**\"]\n    tool: ['*']\n", 6, "rules[0].tool" },
        { "rules: &all []\nx: *all\n", 1, "rules" },
    };

    [Theory]
    [MemberData(nameof(HostileRewrites))]
    public async Task Reload_HostileRewrite_IsRefusedNamingFileLineAndKey_AndTheRunningVersionKeepsDeciding(string hostile, int line, string path)
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Claims);
        var provider = broker.Get<PolicyProvider>();
        var running = provider.Current.Version;
        await File.WriteAllTextAsync(provider.Path, hostile);

        var result = await provider.ReloadAsync();

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.File == provider.Path && p.Line == line && p.Path.StartsWith(path, StringComparison.Ordinal));
        Assert.Equal(running, provider.Current.Version);
        var (status, body) = await broker.ExchangeWithTierAsync("gold");
        Assert.Equal(200, status);
        Assert.Equal(running, new JsonWebToken(body.GetProperty("access_token").GetString()).GetPayloadValue<string>("pol"));
        var (refusedStatus, refused) = await broker.ExchangeWithTierAsync("silver");
        Assert.Equal(400, refusedStatus);
        Assert.Contains("gold-users-refund", refused.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }
}
