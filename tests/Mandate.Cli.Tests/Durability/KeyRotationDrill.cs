using System.Collections.Concurrent;
using System.Net;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A broker killed with SIGKILL under load at each step of a token-signing key rotation (after the next key is
/// published and before it signs, then right after it took over), started again each time with nothing cleaned up: one
/// key signs, every key a received credential was signed with is still published, every credential still verifies at
/// introspection and at a resource server that trusts the JWKS, and the audit chain is intact.
/// </summary>
internal static class KeyRotationDrill
{
    /// <summary>The shortest rotation the configuration allows, with a next key that may sign 2 s after it is published.</summary>
    public const string Keys = """
        keys:
          rotate_every: 5m
          publish_ahead: 2s
        """;

    private const string Unretired = $"SELECT count(*) FROM keys WHERE purpose = '{KeyPurposes.TokenSigning}' AND retired_at IS NULL";
    private const int PerStep = 40;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string config, DrillStore store, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var tokens = new DevTokens(config);
        var client = new ExchangeClient(tokens.Workload(DurabilityConfig.Agent), tokens.User("alice"));
        var received = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        var first = Assert.Single(await LoadUntilKilledAsync(config, client, received, environment));
        // The broker cannot be made to skip time from outside: its key is aged by one rotation period instead, so the
        // next start publishes the next key (signing 2 s later, at the next key refresh).
        await store.AgeKeysAsync(KeyPurposes.TokenSigning, TimeSpan.FromMinutes(5));
        Assert.Equal(new[] { first }, await LoadUntilKilledAsync(config, client, received, environment));
        Assert.Equal(2, await store.ScalarAsync(Unretired));
        // Past publish_ahead however quickly the restart comes, so the next start lets the next key take over.
        await store.AgeKeysAsync(KeyPurposes.TokenSigning, TimeSpan.FromSeconds(2));
        var second = Assert.Single(await LoadUntilKilledAsync(config, client, received, environment));
        Assert.NotEqual(first, second);

        using var http = new HttpClient { Timeout = Bound };
        using var stop = new CancellationTokenSource(Bound);
        using (var restarted = await BrokerProcess.StartAsync(config, Bound, environment))
        {
            Assert.Equal(1, await store.ScalarAsync(Unretired));
            var jwks = new JsonWebKeySet(await http.GetStringAsync(new Uri(restarted.Address, "/.well-known/jwks.json"), stop.Token));
            Assert.Empty(received.Values.Distinct().Except(jwks.Keys.Select(k => k.Kid)));
            var issuer = ConfigLoader.LoadFile(config).Issuer;
            foreach (var token in received.Keys)
            {
                await AssertVerifiesAsync(token, jwks, issuer);
                Assert.True(await BrokerCalls.IsActiveAsync(http, restarted.Address, tokens, token, stop.Token), "a credential received before a kill is inactive after the restart");
            }
        }

        var rotations = await CrashDrill.AuditEventsAsync(config, "key_rotation");
        // The first key, one next key published and one takeover: the kills neither lost nor repeated a step.
        Assert.Equal(["rotated", "published", "rotated"], rotations.Select(e => e.GetProperty("outcome").GetString()));
        Assert.Equal(second, rotations[1].GetProperty("evidence").GetProperty("kid").GetString());
        Assert.Equal(first, rotations[2].GetProperty("evidence").GetProperty("retired_kid").GetString());
        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
    }

    /// <summary>Starts the broker, kills it under load once <see cref="PerStep"/> more credentials arrived; the kids that signed them.</summary>
    private static async Task<string[]> LoadUntilKilledAsync(string config, ExchangeClient client, ConcurrentDictionary<string, string> received, IReadOnlyDictionary<string, string>? environment)
    {
        var step = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        using var broker = await BrokerProcess.StartAsync(config, Bound, environment);
        await CrashDrill.LoadUntilKilledAsync(broker, client, answer =>
        {
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Body);
            var token = BrokerCalls.AccessToken(answer.Body);
            step.TryAdd(token, new JsonWebToken(token).Kid);
            return step.Count >= PerStep;
        });
        foreach (var (token, kid) in step)
        {
            received.TryAdd(token, kid);
        }

        return step.Values.Distinct().ToArray();
    }

    /// <summary>As a resource server that trusts the broker's JWKS checks a credential: signature, issuer, audience, lifetime.</summary>
    private static async Task AssertVerifiesAsync(string token, JsonWebKeySet jwks, string issuer)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidIssuer = issuer,
            ValidAudience = "https://crm.acme.example",
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }
}
