using Mandate.Core.Approvals;
using Mandate.Core.Evidence;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Reads rate counters, approvals and evidence, each query on its own read connection.</summary>
internal static class SqlitePolicyStateReader
{
    private const string ApprovalColumns = """
        id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message, rule,
        policy_version, decision_id, lifetime_seconds, created_at, expires_at, last_polled_at, approver, decided_reason, decided_at, jti,
        identity_issued_at, sender_binding, user_issuer, poll_interval_seconds, rule_agent, rate_increments
        """;

    public static async Task<IReadOnlyDictionary<string, long>> RateCountsAsync(SqliteConnection connection, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count FROM rate_counters WHERE key = $key;";
        var parameter = command.Parameters.Add("$key", SqliteType.Text);
        foreach (var key in keys)
        {
            parameter.Value = key;
            if (await command.ExecuteScalarAsync(cancellationToken) is long count)
            {
                counts[key] = count;
            }
        }

        return counts;
    }

    public static async Task<IReadOnlyList<Approval>> ApprovalsAsync(SqliteConnection connection, string? id, ApprovalStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ApprovalColumns} FROM approvals WHERE ($id IS NULL OR id = $id) AND ($status IS NULL OR status = $status) ORDER BY created_at DESC, id LIMIT $limit;";
        command.Parameters.AddWithValue("$id", SqliteValues.Nullable(id));
        command.Parameters.AddWithValue("$status", status is { } s ? SqlitePolicyStateWriter.Status(s) : DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadApprovalsAsync(command, cancellationToken);
    }

    /// <summary>The newest approval bound to <paramref name="bindingHash"/>, whatever its status (index approvals_binding).</summary>
    public static async Task<Approval?> ApprovalByBindingAsync(SqliteConnection connection, string bindingHash, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ApprovalColumns} FROM approvals WHERE binding_hash = $binding ORDER BY created_at DESC, id DESC LIMIT 1;";
        command.Parameters.AddWithValue("$binding", bindingHash);
        var found = await ReadApprovalsAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static async Task<IReadOnlyList<Approval>> ReadApprovalsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var approvals = new List<Approval>();
        while (await reader.ReadAsync(cancellationToken))
        {
            approvals.Add(new Approval
            {
                Id = reader.GetString(0),
                Status = Enum.Parse<ApprovalStatus>(reader.GetString(1), ignoreCase: true),
                Agent = reader.GetString(2),
                Run = reader.GetString(3),
                Tool = reader.GetString(4),
                Tenant = reader.GetString(5),
                User = Text(reader, 6),
                Scope = reader.GetString(7),
                AuthorizationDetails = reader.GetString(8),
                BindingHash = reader.GetString(9),
                BindingMessage = reader.GetString(10),
                Rule = reader.GetString(11),
                PolicyVersion = reader.GetString(12),
                DecisionId = reader.GetString(13),
                LifetimeSeconds = reader.GetInt32(14),
                CreatedAt = SqliteValues.ParseTime(reader.GetString(15)),
                ExpiresAt = SqliteValues.ParseTime(reader.GetString(16)),
                LastPolledAt = Time(reader, 17),
                Approver = Text(reader, 18),
                DecidedReason = Text(reader, 19),
                DecidedAt = Time(reader, 20),
                Jti = Text(reader, 21),
                IdentityIssuedAt = Time(reader, 22),
                SenderBinding = Text(reader, 23),
                UserIssuer = Text(reader, 24),
                PollIntervalSeconds = reader.IsDBNull(25) ? null : reader.GetInt32(25),
                RuleAgent = Text(reader, 26),
                RateIncrements = Text(reader, 27),
            });
        }

        return approvals;
    }

    public static async Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(SqliteConnection connection, string subject, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, kind, subject, result, details, posted_by, issuer, posted_at FROM evidence e
            WHERE subject = $subject AND posted_at = (SELECT MAX(posted_at) FROM evidence WHERE subject = e.subject AND kind = e.kind)
            ORDER BY kind, id DESC;
            """;
        command.Parameters.AddWithValue("$subject", subject);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new Dictionary<string, EvidenceRecord>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = new EvidenceRecord
            {
                Id = reader.GetString(0),
                Kind = reader.GetString(1),
                Subject = reader.GetString(2),
                Result = reader.GetString(3),
                Details = Text(reader, 4),
                PostedBy = reader.GetString(5),
                Issuer = reader.GetString(6),
                PostedAt = SqliteValues.ParseTime(reader.GetString(7)),
            };
            records.TryAdd(record.Kind, record);
        }

        return [.. records.Values];
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : SqliteValues.ParseTime(reader.GetString(ordinal));
}
