using System.Net;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// A <c>kind: secret</c> tool added to a test broker's configuration, and a value vaulted for it through the admin API:
/// what operators' free text is checked against (invariant 8). Its upstream is never called.
/// </summary>
internal static class VaultedTool
{
    public const string Name = "vendor";

    /// <summary><paramref name="configuration"/> (one derived from <see cref="TestBroker.Configuration"/>) with the tool and the proxy.</summary>
    public static string AddTo(string configuration) => configuration.Replace(
        "tools:\n",
        $"tools:\n  - {{ name: {Name}, kind: secret, resource: https://vendor.example, scopes: [vendor:read], upstream: \"http://127.0.0.1:9/vendor\", secret: {{ header: X-Api-Key, format: \"{{secret}}\" }} }}\n",
        StringComparison.Ordinal) + "\nproxy: { listen: http://127.0.0.1:0 }\n";

    /// <summary>Vaults a value generated here (never a real key) and returns it.</summary>
    public static async Task<string> SetAsync(BrokerHarness broker)
    {
        var secret = "vaulted-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var reply = await AdminSocket.SendAsync(broker, HttpMethod.Put, $"admin/secrets/{Name}", secret, "application/octet-stream");
        Assert.True(reply.Status == HttpStatusCode.Created, $"vaulting a value for {Name}: {reply.Status}");
        return secret;
    }
}
