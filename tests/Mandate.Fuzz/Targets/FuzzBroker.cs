using Mandate.Core.Development;
using Mandate.Server.Tests.Harness;
using Microsoft.Data.Sqlite;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// The integration tests' broker (Kestrel on 127.0.0.1, port 0, real SQLite store) with every client-facing
/// parser switched on: authorization_details types on refunds, crm as an x509 tool (CSR in the exchange),
/// the SPIFFE CA. Reads the store directly to prove refused requests change nothing.
/// </summary>
internal sealed class FuzzBroker : IAsyncDisposable
{
    /// <summary>Audit kinds that record a change of state; decisions, introspections, client authentications and refused evidence postings only log a look.</summary>
    private const string StateSql = """
        SELECT (SELECT count(*) FROM audit JOIN audit_shapes s ON s.id = audit.shape WHERE s.kind NOT IN ('decision', 'introspection', 'client_authentication', 'shadow_decision')
                    AND NOT (s.kind = 'evidence_posted' AND s.outcome = 'refused')),
               (SELECT count(*) FROM runs), (SELECT count(*) FROM revocations), (SELECT count(*) FROM approvals),
               (SELECT count(*) FROM evidence), (SELECT count(*) FROM rate_counters), (SELECT count(*) FROM keys),
               (SELECT count(*) FROM registration_entries), (SELECT count(*) FROM secrets), (SELECT count(*) FROM database_leases);
        """;

    private const string Policy = TestBroker.Policy + """

          - id: no-huge-refunds
            reason: Refunds over 1000 are never automated.
            effect: deny
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            when: authorization_details.exists(d, d.amount > 1000) || (has(user.claims.tier) && user.claims.tier == "banned")
        """;

    private const string Spiffe = """
        spiffe:
          enabled: true
          workload_socket: workload.sock
          x509_svid_ttl: 1h
          jwt_svid_ttl: 5m
        """;

    private readonly SqliteConnection _store;
    private readonly SemaphoreSlim _oneCase = new(1, 1);
    private DevIssuer? _ci;

    private FuzzBroker(BrokerHarness broker, SqliteConnection store)
    {
        Broker = broker;
        _store = store;
    }

    public const string CiIssuer = "https://token.actions.example";

    public BrokerHarness Broker { get; }

    /// <summary>An identity token from the issuer trusted for evidence (kind: ci).</summary>
    public string CiToken()
    {
        // One signer for the broker's life: the token library caches a signer per key and would use a disposed one.
        _ci ??= DevIssuer.Ensure(Broker.Options.Issuers.Single(i => i.Issuer == CiIssuer), Broker.Options.DataDirectory);
        return _ci.CreateToken("repo:acme/shop:ref:refs/heads/main", Broker.Options.Issuer, TimeSpan.FromMinutes(10), new Dictionary<string, object> { ["repository"] = "acme/shop" }, Broker.Now);
    }

    public string TokenUrl => Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    public static async Task<FuzzBroker> StartAsync()
    {
        var configuration = TestBroker.Configuration
            .Replace(
                $"workloads: [{TestBroker.RefundsWorkload}] }}",
                $"workloads: [{TestBroker.RefundsWorkload}], authorization_details_types: [{{ type: refund, fields: {{ amount: number, currency: string, note: string? }} }}] }}",
                StringComparison.Ordinal)
            .Replace($"workloads: [{TestBroker.CrmWorkload}] }}", $"workloads: [{TestBroker.CrmWorkload}], kind: x509 }}", StringComparison.Ordinal)
            .Replace("tenants: [acme, partner] }\n", $"tenants: [acme, partner] }}\n  - {{ name: ci, kind: ci, issuer: {CiIssuer}, jwks_file: ci.jwks.json, dev_signer: true, evidence_subjects: ['{{repository}}@*'] }}\n", StringComparison.Ordinal);
        if (!configuration.Contains("authorization_details_types", StringComparison.Ordinal) || !configuration.Contains("kind: x509", StringComparison.Ordinal)
            || !configuration.Contains("kind: ci", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the test broker's configuration changed shape; update FuzzBroker");
        }

        var broker = await BrokerHarness.StartAsync(Policy, Spiffe, configuration: configuration);
        try
        {
            // This process gets SVIDs on the workload socket, so a well-formed body there is served, not refused and audited.
            using var admin = broker.Admin();
            await admin.CreateEntryAsync("spiffe://acme.example/fuzz", [$"unix:uid:{CurrentUid()}"], null, null);
            return new FuzzBroker(broker, await broker.OpenDatabaseAsync());
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs one case of a target that sends to this broker and judges it by <see cref="ReadStateAsync"/>, alone. Targets
    /// run side by side: two sharing the broker would read each other's accepted inputs as their own state changes, and
    /// would share the store connection, which is not thread-safe.
    /// </summary>
    public async ValueTask<T> OneCaseAsync<T>(Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        await _oneCase.WaitAsync();
        try
        {
            return await run();
        }
        finally
        {
            _oneCase.Release();
        }
    }

    /// <summary>Row counts of everything a request could create; equal before and after a refused request.</summary>
    public async Task<string> ReadStateAsync()
    {
        await using var command = _store.CreateCommand();
        command.CommandText = StateSql;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(reader.GetInt64));
    }

    // proc(5): the real uid is the first number on the "Uid:" line of /proc/self/status.
    private static string CurrentUid() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

    public async ValueTask DisposeAsync()
    {
        _ci?.Dispose();
        _oneCase.Dispose();
        await _store.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
