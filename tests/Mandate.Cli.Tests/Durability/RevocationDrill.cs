using System.Collections.Concurrent;
using System.Net;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A broker killed with SIGKILL while operators revoke users through the admin API beside live exchanges, then started
/// again with nothing cleaned up: every acknowledged revocation is in force and audited, and none is half applied.
/// </summary>
internal static class RevocationDrill
{
    private const int Users = 12;
    private const int RevokedBeforeKill = 8;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string config, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var tokens = new DevTokens(config);
        var agent = tokens.Workload(DurabilityConfig.Agent);
        var users = Enumerable.Range(0, Users).ToDictionary(i => $"user-{i:00}", i => new ExchangeClient(agent, tokens.User($"user-{i:00}")));
        var bystander = new ExchangeClient(agent, tokens.User("alice"));
        var credentials = new Dictionary<string, string>(StringComparer.Ordinal);
        var acknowledged = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var statuses = new ConcurrentBag<HttpStatusCode>();
        using var http = new HttpClient { Timeout = Bound };
        using var stop = new CancellationTokenSource(Bound);
        using (var broker = await BrokerProcess.StartAsync(config, Bound, environment))
        using (var admin = BrokerCalls.Admin(config))
        {
            foreach (var (user, client) in users)
            {
                var (status, _, body) = await client.ExchangeAsync(http, broker.Address, stop.Token);
                Assert.True(status == HttpStatusCode.OK, body);
                credentials[user] = BrokerCalls.AccessToken(body);
            }

            var killed = 0;
            var load = Enumerable.Range(0, 4).Select(_ => ExchangeUntilKilledAsync(bystander, http, broker.Address, statuses, () => Volatile.Read(ref killed) == 1, stop.Token)).ToArray();
            var names = users.Keys.ToList();
            foreach (var user in names.Take(RevokedBeforeKill))
            {
                Assert.True(await RevokeAsync(admin, user, stop.Token), user);
                acknowledged.TryAdd(user, 0);
            }

            // The rest are sent together; the broker is killed once it has answered the first, the others in flight.
            var inFlight = names.Skip(RevokedBeforeKill).Select(user => Task.Run(async () =>
            {
                if (await RevokeAsync(admin, user, stop.Token))
                {
                    acknowledged.TryAdd(user, 0);
                }
            })).ToList();
            await Task.WhenAny(inFlight);
            Interlocked.Exchange(ref killed, 1);
            await broker.KillHardAsync();
            await Task.WhenAll(inFlight.Concat(load));
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(acknowledged.Count > RevokedBeforeKill, "no revocation was answered while others were in flight");
        var audited = (await CrashDrill.AuditEventsAsync(config, "revocation"))
            .Select(e => e.GetProperty("user").GetString()!)
            .ToList();
        // Each revocation is one row and one record, written together: never two, never a record without its row.
        Assert.Equal(audited.Count, audited.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(acknowledged.Keys.Except(audited));

        using (var restarted = await BrokerProcess.StartAsync(config, Bound, environment))
        {
            foreach (var (user, client) in users)
            {
                var revoked = audited.Contains(user, StringComparer.Ordinal);
                // RFC 7662 §2.2: a revoked token is "active": false.
                Assert.True(await BrokerCalls.IsActiveAsync(http, restarted.Address, tokens, credentials[user], stop.Token) != revoked, $"{user}: revoked {revoked}, introspection disagrees");
                var (status, _, body) = await client.ExchangeAsync(http, restarted.Address, stop.Token);
                Assert.True(revoked ? status == HttpStatusCode.BadRequest : status == HttpStatusCode.OK, $"{user}: revoked {revoked}, exchange {(int)status} {body}");
            }
        }

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
    }

    /// <summary>POST /admin/revocations for a user; true when acknowledged as in force and recorded (201), false when the kill cut it off.</summary>
    private static async Task<bool> RevokeAsync(HttpClient admin, string user, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await BrokerCalls.PostAdminAsync(admin, "admin/revocations", new { target = "user", value = user, reason = "drill" }, cancellationToken);
            // docs/configuration.md "The store under faults": 201 is in force and durable; the store is healthy here.
            Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task ExchangeUntilKilledAsync(ExchangeClient client, HttpClient http, Uri broker, ConcurrentBag<HttpStatusCode> statuses, Func<bool> killed, CancellationToken cancellationToken)
    {
        while (!killed())
        {
            try
            {
                statuses.Add((await client.ExchangeAsync(http, broker, cancellationToken)).Status);
            }
            catch (HttpRequestException) when (killed())
            {
                return;
            }
        }
    }
}
