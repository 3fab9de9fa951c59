using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A broker killed with SIGKILL while approvers approve and deny through the admin API beside the agent polling, then
/// started again with nothing cleaned up: each approval is pending or decided once, every acknowledged decision is kept,
/// and every collected credential has its issuance record.
/// </summary>
internal static class ApprovalDrill
{
    private const int Users = 12;
    private const int DecidedBeforeKill = 8;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(TempFolder dir, string config, IReadOnlyDictionary<string, string>? environment = null)
    {
        dir.Write("policy.yaml", """
            rules:
              - id: crm-read-approved
                reason: A human approves each read of the CRM.
                effect: require_approval
                agents: ["spiffe://acme.example/agents/a"]
                tools: [crm]
                scopes: [crm:read]
                tenant: same_as_user
            """);
        using var tokens = new DevTokens(config);
        var agent = tokens.Workload(DurabilityConfig.Agent);
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var collected = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        using var http = new HttpClient { Timeout = Bound };
        using var stop = new CancellationTokenSource(Bound);
        using (var broker = await BrokerProcess.StartAsync(config, Bound, environment))
        using (var admin = BrokerCalls.Admin(config))
        {
            for (var i = 0; i < Users; i++)
            {
                var (status, _, body) = await new ExchangeClient(agent, tokens.User($"user-{i:00}")).ExchangeAsync(http, broker.Address, stop.Token);
                Assert.True(status == HttpStatusCode.BadRequest, body);
                pending[JsonDocument.Parse(body).RootElement.GetProperty("auth_req_id").GetString()!] = $"user-{i:00}";
            }

            var ids = pending.Keys.ToList();
            var killed = 0;
            // The agent polls the approvals still undecided, beside the approvers (answered authorization_pending or slow_down).
            var polling = Task.Run(async () =>
            {
                while (Volatile.Read(ref killed) == 0)
                {
                    foreach (var id in ids.Skip(DecidedBeforeKill))
                    {
                        try
                        {
                            if (await PollAsync(http, broker.Address, agent, id, stop.Token) is (HttpStatusCode.OK, var body))
                            {
                                collected[id] = JtiOf(body);
                            }
                        }
                        catch (HttpRequestException) when (Volatile.Read(ref killed) == 1)
                        {
                            return;
                        }
                    }
                }
            });
            foreach (var (id, n) in ids.Take(DecidedBeforeKill).Select((id, n) => (id, n)))
            {
                Assert.True(await DecideAsync(admin, id, approve: n % 2 == 0, stop.Token), id);
                acknowledged[id] = n % 2 == 0;
                if (n % 2 == 0)
                {
                    var (status, body) = await PollAsync(http, broker.Address, agent, id, stop.Token);
                    Assert.True(status == HttpStatusCode.OK, body);
                    collected[id] = JtiOf(body);
                }
            }

            // The rest are decided together; the broker is killed once it has answered the first, the others in flight.
            var inFlight = ids.Skip(DecidedBeforeKill).Select((id, n) => Task.Run(async () =>
            {
                if (await DecideAsync(admin, id, approve: n % 2 == 0, stop.Token))
                {
                    acknowledged[id] = n % 2 == 0;
                }
            })).ToList();
            await Task.WhenAny(inFlight);
            Interlocked.Exchange(ref killed, 1);
            await broker.KillHardAsync();
            await Task.WhenAll(inFlight.Append(polling));
        }

        Assert.True(acknowledged.Count > DecidedBeforeKill, "no decision was answered while others were in flight");
        var cutOff = new List<string>();
        var decided = (await CrashDrill.AuditEventsAsync(config, "approval_decided"))
            .ToLookup(e => e.GetProperty("evidence").GetProperty("approval_id").GetString()!, e => e.GetProperty("outcome").GetString() == "approved");
        using (var restarted = await BrokerProcess.StartAsync(config, Bound, environment))
        {
            foreach (var id in pending.Keys)
            {
                var records = decided[id].ToList();
                // Decided once at most, and a decision the approver saw acknowledged is the one on record.
                Assert.True(records.Count <= 1, $"{id} decided {records.Count} times");
                if (acknowledged.TryGetValue(id, out var approved))
                {
                    Assert.Equal([approved], records);
                }

                var (status, body) = await PollAsync(http, restarted.Address, agent, id, stop.Token);
                var error = status == HttpStatusCode.OK ? null : JsonDocument.Parse(body).RootElement.GetProperty("error").GetString();
                // An approved one not seen collected may have been, by a poll whose answer the kill cut off (used: invalid_grant).
                var expected = records switch
                {
                    [] => ["authorization_pending", "slow_down"],
                    [true] => collected.ContainsKey(id) ? ["invalid_grant"] : new[] { null, "invalid_grant" },
                    _ => ["access_denied"],
                };
                Assert.True(expected.Contains(error), $"{id}: decided [{string.Join(',', records)}], poll {(int)status} {body}");
                if (status == HttpStatusCode.OK)
                {
                    collected[id] = JtiOf(body);
                }
                else if (records is [true] && !collected.ContainsKey(id))
                {
                    Assert.Contains("approval.consumed", body, StringComparison.Ordinal);
                    cutOff.Add(id);
                }
            }
        }

        // The credential of every collected approval has its issuance record, naming that approval.
        var issued = (await CrashDrill.AuditEventsAsync(config, "issuance"))
            .ToDictionary(e => e.GetProperty("jti").GetString()!, e => e.GetProperty("evidence").GetProperty("approval_id").GetString());
        Assert.All(collected, c => Assert.Equal(c.Key, issued.GetValueOrDefault(c.Value)));
        Assert.Empty(cutOff.Except(issued.Values));
        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
    }

    /// <summary>POST /admin/approvals/{id}/approve or deny; true when acknowledged (200), false when the kill cut it off.</summary>
    private static async Task<bool> DecideAsync(HttpClient admin, string id, bool approve, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await BrokerCalls.PostAdminAsync(admin, $"admin/approvals/{id}/{(approve ? "approve" : "deny")}", new { reason = "drill" }, cancellationToken);
            Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The agent's CIBA-style poll (docs/token-format.md "Human approval").</summary>
    private static async Task<(HttpStatusCode Status, string Body)> PollAsync(HttpClient http, Uri broker, string agent, string id, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:openid:params:grant-type:ciba",
            ["auth_req_id"] = id,
            ["actor_token"] = agent,
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        });
        using var response = await http.PostAsync(new Uri(broker, "/oauth2/token"), form, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static string JtiOf(string body) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(BrokerCalls.AccessToken(body)).Id;
}
