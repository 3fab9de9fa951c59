using Mandate.Core.Audit;
using Mandate.Policy;
using Microsoft.Data.Sqlite;

namespace Mandate.Server.Tests.Harness;

/// <summary>The broker's state as tests inspect it: the audit trail, the store file, the policy file.</summary>
public sealed partial class BrokerHarness
{
    public async Task<List<AuditRecord>> ReadAuditAsync(AuditQuery? query = null)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in Runtime.Store.ReadAuditAsync(query ?? new AuditQuery(), CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }

    public async Task<List<AuditEvent>> AuditEventsAsync(string kind) =>
        [.. (await ReadAuditAsync(new AuditQuery { Kind = kind })).Select(r => r.Event)];

    /// <summary>Invariant 2's witness: no issuance was ever recorded, so no credential left the broker.</summary>
    public async Task AssertNothingIssuedAsync() => Assert.Empty(await AuditEventsAsync(AuditKinds.Issuance));

    /// <summary>Sends a request and asserts the audit trail holds exactly the records it held before (invariant 7: a refusal changes nothing).</summary>
    public async Task<OAuthReply> AssertAuditUnchangedAsync(Func<Task<OAuthReply>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        var before = await ReadAuditAsync();
        var reply = await send();
        var after = await ReadAuditAsync();
        Assert.Equal(before.Select(r => r.Hash), after.Select(r => r.Hash));
        return reply;
    }

    /// <summary>
    /// The rate counter of rule <paramref name="ruleId"/>, keyed as that rule keys a refunds request of
    /// <paramref name="agent"/> in <paramref name="run"/> for <paramref name="user"/> in acme, in the window holding
    /// <paramref name="at"/> (default now).
    /// </summary>
    public async Task<long> RateCountAsync(string ruleId, string agent, string? run = null, string user = "alice", DateTimeOffset? at = null)
    {
        var limit = Runtime.Policy.Current.Rules.Single(r => r.Id == ruleId).RateLimit
            ?? throw new InvalidOperationException($"rule '{ruleId}' has no rate limit");
        var input = new PolicyInput { Agent = agent, Tool = "refunds", Scopes = [], Tenant = "acme", Subject = SubjectKind.User, User = user, Environment = "", RunId = run };
        var key = limit.CounterKey(ruleId, input, at ?? Now);
        return (await Runtime.Store.ReadRateCountsAsync([key], CancellationToken.None)).GetValueOrDefault(key);
    }

    /// <summary>A connection that bypasses the store, as an operator or attacker with the file would have.</summary>
    public async Task<SqliteConnection> OpenDatabaseAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Options.StorePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every column of every audit row as text, for searching the table for what must not be there.</summary>
    public async Task<string> AuditTableTextAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT a.*, s.* FROM audit a JOIN audit_shapes s ON s.id = a.shape ORDER BY a.seq;";
        await using var reader = await command.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Append(reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString()).Append('\n');
            }
        }

        return text.ToString();
    }

    public Task WritePolicyAsync(string yaml) => File.WriteAllTextAsync(Options.PolicyPath, yaml);
}
