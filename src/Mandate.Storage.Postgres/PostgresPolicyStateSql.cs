using Mandate.Core.Approvals;
using Mandate.Core.Evidence;
using Mandate.Core.RateLimits;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>Rate counters, approvals and evidence: the policy state every node shares.</summary>
internal static class PostgresPolicyStateSql
{
    private const string ApprovalColumns = """
        id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash, binding_message, rule,
        policy_version, decision_id, lifetime_seconds, created_at, expires_at, last_polled_at, approver, decided_reason, decided_at, jti,
        identity_issued_at, sender_binding, user_issuer, poll_interval_seconds, rule_agent, rate_increments
        """;

    // The window's retention is set by its first increment. One statement for all of a batch's counters, each key
    // once with the number of increments it received (ON CONFLICT may touch a row only once per statement).
    private const string Increment = """
        INSERT INTO rate_counters (key, count, keep_until) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
        ON CONFLICT (key) DO UPDATE SET count = rate_counters.count + excluded.count;
        """;

    // A new approval has not been polled or decided: those columns are only ever set by later updates.
    private const string InsertApproval = """
        INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash,
            binding_message, rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, identity_issued_at, sender_binding, user_issuer, rule_agent, rate_increments)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22);
        """;

    // The insert of IApprovalStore.TryInsertApprovalAsync: nothing when a pending approval answers for the same request.
    // Sent after the audit lock, so it sees every approval another node committed before.
    private const string InsertApprovalUnlessPending = """
        INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash,
            binding_message, rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, identity_issued_at, sender_binding, user_issuer, rule_agent, rate_increments)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22
        WHERE NOT EXISTS (
            SELECT 1 FROM approvals WHERE binding_hash = $10 AND status = 'pending' AND expires_at > $16 AND agent = $3
                AND policy_version = $13 AND rule = $12 AND sender_binding IS NOT DISTINCT FROM $19 AND lifetime_seconds <= $15);
        """;

    // Deciding a pending approval also requires it not to have expired; consuming requires it approved.
    private const string Transition = """
        UPDATE approvals SET status = $1,
            approver = COALESCE($5, approver), decided_reason = COALESCE($6, decided_reason),
            decided_at = CASE WHEN $2 = 'pending' THEN $4 ELSE decided_at END, jti = COALESCE($7, jti)
        WHERE id = $3 AND status = $2 AND ($2 <> 'pending' OR expires_at > $4);
        """;

    private const string InsertEvidence = """
        INSERT INTO evidence (id, kind, subject, result, details, posted_by, issuer, posted_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
        """;

    /// <summary>Adds every increment of a batch: counts summed per key, each key's retention from its first increment.</summary>
    public static NpgsqlBatchCommand IncrementCommand(IReadOnlyList<RateIncrement> increments)
    {
        var keys = new List<string?>();
        var counts = new List<long>();
        var keepUntil = new List<long>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var increment in increments)
        {
            ArgumentNullException.ThrowIfNull(increment);
            if (increment.Key is not null && index.TryGetValue(increment.Key, out var at))
            {
                counts[at]++;
                continue;
            }

            // A null key stays a row of its own, so the batch fails on the NOT NULL constraint as it would alone.
            if (increment.Key is not null)
            {
                index[increment.Key] = keys.Count;
            }

            keys.Add(increment.Key);
            counts.Add(1);
            keepUntil.Add(increment.KeepUntil.UtcTicks);
        }

        return PostgresValues.BatchCommand(
            Increment, PostgresValues.TextArray([.. keys]), PostgresValues.BigintArray([.. counts]), PostgresValues.BigintArray([.. keepUntil]));
    }

    public static NpgsqlBatchCommand InsertApprovalCommand(Approval a) => InsertApprovalCommand(InsertApproval, a);

    /// <summary>The conditional insert of <see cref="IApprovalStore.TryInsertApprovalAsync"/>; it inserted the approval when it affects one row.</summary>
    public static NpgsqlBatchCommand InsertApprovalUnlessPendingCommand(Approval a) => InsertApprovalCommand(InsertApprovalUnlessPending, a);

    private static NpgsqlBatchCommand InsertApprovalCommand(string sql, Approval a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return PostgresValues.BatchCommand(
            sql,
            PostgresValues.Text(a.Id), PostgresValues.Text(Status(a.Status)), PostgresValues.Text(a.Agent), PostgresValues.Text(a.Run),
            PostgresValues.Text(a.Tool), PostgresValues.Text(a.Tenant), PostgresValues.Text(a.User), PostgresValues.Text(a.Scope),
            PostgresValues.Text(a.AuthorizationDetails), PostgresValues.Text(a.BindingHash), PostgresValues.Text(a.BindingMessage),
            PostgresValues.Text(a.Rule), PostgresValues.Text(a.PolicyVersion), PostgresValues.Text(a.DecisionId),
            PostgresValues.Integer(a.LifetimeSeconds), PostgresValues.Time(a.CreatedAt), PostgresValues.Time(a.ExpiresAt),
            PostgresValues.Time(a.IdentityIssuedAt), PostgresValues.Text(a.SenderBinding), PostgresValues.Text(a.UserIssuer),
            PostgresValues.Text(a.RuleAgent), PostgresValues.Text(a.RateIncrements));
    }

    /// <summary>The conditional update of <see cref="IApprovalStore.TryTransitionApprovalAsync"/>; it changed the approval when it affects one row.</summary>
    public static NpgsqlBatchCommand TransitionCommand(ApprovalTransition t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return PostgresValues.BatchCommand(
            Transition,
            PostgresValues.Text(Status(t.To)), PostgresValues.Text(Status(t.From)), PostgresValues.Text(t.Id), PostgresValues.Time(t.At),
            PostgresValues.Text(t.Approver), PostgresValues.Text(t.Reason), PostgresValues.Text(t.Jti));
    }

    public static NpgsqlBatchCommand InsertEvidenceCommand(EvidenceRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return PostgresValues.BatchCommand(
            InsertEvidence,
            PostgresValues.Text(e.Id), PostgresValues.Text(e.Kind), PostgresValues.Text(e.Subject), PostgresValues.Text(e.Result),
            PostgresValues.Text(e.Details), PostgresValues.Text(e.PostedBy), PostgresValues.Text(e.Issuer), PostgresValues.Time(e.PostedAt));
    }

    public static async Task<IReadOnlyDictionary<string, long>> RateCountsAsync(NpgsqlConnection connection, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = PostgresValues.Command(
            connection, "SELECT key, count FROM rate_counters WHERE key = ANY($1);", PostgresValues.TextArray([.. keys]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public static async Task<IReadOnlyList<Approval>> ApprovalsAsync(
        NpgsqlConnection connection, string? id, ApprovalStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(
            connection,
            $"SELECT {ApprovalColumns} FROM approvals WHERE ($1::text IS NULL OR id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, id LIMIT $3;",
            PostgresValues.Text(id),
            PostgresValues.Text(status is { } s ? Status(s) : null),
            PostgresValues.Integer(limit));
        return await ReadApprovalsAsync(command, cancellationToken);
    }

    /// <summary>The newest approval bound to <paramref name="bindingHash"/>, whatever its status (index approvals_binding).</summary>
    public static async Task<Approval?> ApprovalByBindingAsync(NpgsqlConnection connection, string bindingHash, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(
            connection,
            $"SELECT {ApprovalColumns} FROM approvals WHERE binding_hash = $1 ORDER BY created_at DESC, id DESC LIMIT 1;",
            PostgresValues.Text(bindingHash));
        var found = await ReadApprovalsAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static async Task<IReadOnlyList<Approval>> ReadApprovalsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
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
                User = PostgresValues.ReadOptionalText(reader, 6),
                Scope = reader.GetString(7),
                AuthorizationDetails = reader.GetString(8),
                BindingHash = reader.GetString(9),
                BindingMessage = reader.GetString(10),
                Rule = reader.GetString(11),
                PolicyVersion = reader.GetString(12),
                DecisionId = reader.GetString(13),
                LifetimeSeconds = reader.GetInt32(14),
                CreatedAt = PostgresValues.ReadTime(reader, 15),
                ExpiresAt = PostgresValues.ReadTime(reader, 16),
                LastPolledAt = PostgresValues.ReadOptionalTime(reader, 17),
                Approver = PostgresValues.ReadOptionalText(reader, 18),
                DecidedReason = PostgresValues.ReadOptionalText(reader, 19),
                DecidedAt = PostgresValues.ReadOptionalTime(reader, 20),
                Jti = PostgresValues.ReadOptionalText(reader, 21),
                IdentityIssuedAt = PostgresValues.ReadOptionalTime(reader, 22),
                SenderBinding = PostgresValues.ReadOptionalText(reader, 23),
                UserIssuer = PostgresValues.ReadOptionalText(reader, 24),
                PollIntervalSeconds = reader.IsDBNull(25) ? null : reader.GetInt32(25),
                RuleAgent = PostgresValues.ReadOptionalText(reader, 26),
                RateIncrements = PostgresValues.ReadOptionalText(reader, 27),
            });
        }

        return approvals;
    }

    public static async Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(NpgsqlConnection connection, string subject, CancellationToken cancellationToken)
    {
        // Per kind, the newest posting; among postings at the same instant the greatest id wins.
        await using var command = PostgresValues.Command(
            connection,
            """
            SELECT DISTINCT ON (kind) id, kind, subject, result, details, posted_by, issuer, posted_at FROM evidence
            WHERE subject = $1 ORDER BY kind, posted_at DESC, id DESC;
            """,
            PostgresValues.Text(subject));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<EvidenceRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new EvidenceRecord
            {
                Id = reader.GetString(0),
                Kind = reader.GetString(1),
                Subject = reader.GetString(2),
                Result = reader.GetString(3),
                Details = PostgresValues.ReadOptionalText(reader, 4),
                PostedBy = reader.GetString(5),
                Issuer = reader.GetString(6),
                PostedAt = PostgresValues.ReadTime(reader, 7),
            });
        }

        return records;
    }

    public static string Status(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Denied => "denied",
        ApprovalStatus.Consumed => "consumed",
        ApprovalStatus.Withdrawn => "withdrawn",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown approval status."),
    };
}
