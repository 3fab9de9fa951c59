using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Evidence;
using Mandate.Core.RateLimits;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Writes rate counters, approvals and evidence inside the caller's write transaction.</summary>
internal static class SqlitePolicyStateWriter
{
    private const string Increment = """
        INSERT INTO rate_counters (key, count, keep_until) VALUES ($key, 1, $keepUntil)
        ON CONFLICT (key) DO UPDATE SET count = count + 1;
        """;

    private const string InsertApproval = """
        INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash,
            binding_message, rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, identity_issued_at, sender_binding, user_issuer, rule_agent, rate_increments)
        VALUES ($id, $status, $agent, $run, $tool, $tenant, $user, $scope, $details, $hash,
            $message, $rule, $policyVersion, $decisionId, $lifetime, $createdAt, $expiresAt, $identityIssuedAt, $senderBinding, $userIssuer, $ruleAgent, $rateIncrements);
        """;

    // IApprovalStore.TryInsertApprovalAsync: nothing when a pending approval answers for the same request. SQLite has one
    // writer per file and this runs in its write transaction, so no other insert comes between the check and the insert.
    private const string InsertApprovalUnlessPending = """
        INSERT INTO approvals (id, status, agent, run, tool, tenant, "user", scope, authorization_details, binding_hash,
            binding_message, rule, policy_version, decision_id, lifetime_seconds, created_at, expires_at, identity_issued_at, sender_binding, user_issuer, rule_agent, rate_increments)
        SELECT $id, $status, $agent, $run, $tool, $tenant, $user, $scope, $details, $hash,
            $message, $rule, $policyVersion, $decisionId, $lifetime, $createdAt, $expiresAt, $identityIssuedAt, $senderBinding, $userIssuer, $ruleAgent, $rateIncrements
        WHERE NOT EXISTS (
            SELECT 1 FROM approvals WHERE binding_hash = $hash AND status = 'pending' AND expires_at > $createdAt AND agent = $agent
                AND policy_version = $policyVersion AND rule = $rule AND sender_binding IS $senderBinding AND lifetime_seconds <= $lifetime);
        """;

    private const string InsertEvidence = """
        INSERT INTO evidence (id, kind, subject, result, details, posted_by, issuer, posted_at)
        VALUES ($id, $kind, $subject, $result, $details, $postedBy, $issuer, $postedAt);
        """;

    public static Task IncrementAsync(SqliteConnection connection, RateIncrement increment, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, Increment, cancellationToken, ("$key", increment.Key), ("$keepUntil", SqliteValues.Time(increment.KeepUntil)));

    public static Task InsertApprovalAsync(SqliteConnection connection, Approval a, CancellationToken cancellationToken) =>
        InsertApprovalAsync(connection, InsertApproval, a, cancellationToken);

    /// <summary>The conditional insert of <see cref="IApprovalStore.TryInsertApprovalAsync"/>; true when the approval was inserted.</summary>
    public static async Task<bool> TryInsertApprovalAsync(
        SqliteConnection connection, SqliteTransaction transaction, Approval a, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (await InsertApprovalAsync(connection, InsertApprovalUnlessPending, a, cancellationToken) != 1)
        {
            return false;
        }

        await SqliteBatchWriter.WriteAsync(connection, transaction, new StoreBatch(events), cancellationToken);
        return true;
    }

    private static Task<int> InsertApprovalAsync(SqliteConnection connection, string sql, Approval a, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, sql, cancellationToken,
            ("$id", a.Id), ("$status", Status(a.Status)), ("$agent", a.Agent), ("$run", a.Run), ("$tool", a.Tool), ("$tenant", a.Tenant),
            ("$user", SqliteValues.Nullable(a.User)), ("$scope", a.Scope), ("$details", a.AuthorizationDetails), ("$hash", a.BindingHash),
            ("$message", a.BindingMessage), ("$rule", a.Rule), ("$policyVersion", a.PolicyVersion), ("$decisionId", a.DecisionId),
            ("$lifetime", a.LifetimeSeconds), ("$createdAt", SqliteValues.Time(a.CreatedAt)), ("$expiresAt", SqliteValues.Time(a.ExpiresAt)),
            ("$identityIssuedAt", SqliteValues.Time(a.IdentityIssuedAt)), ("$senderBinding", SqliteValues.Nullable(a.SenderBinding)),
            ("$userIssuer", SqliteValues.Nullable(a.UserIssuer)), ("$ruleAgent", SqliteValues.Nullable(a.RuleAgent)), ("$rateIncrements", SqliteValues.Nullable(a.RateIncrements)));

    public static Task InsertEvidenceAsync(SqliteConnection connection, EvidenceRecord e, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, InsertEvidence, cancellationToken,
            ("$id", e.Id), ("$kind", e.Kind), ("$subject", e.Subject), ("$result", e.Result), ("$details", SqliteValues.Nullable(e.Details)),
            ("$postedBy", e.PostedBy), ("$issuer", e.Issuer), ("$postedAt", SqliteValues.Time(e.PostedAt)));

    /// <summary>The conditional update of <see cref="IApprovalStore.TryTransitionApprovalAsync"/>; true when a row changed.</summary>
    public static async Task<bool> TransitionAsync(
        SqliteConnection connection, SqliteTransaction transaction, ApprovalTransition t, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        // Deciding a pending approval also requires it not to have expired; consuming requires it approved.
        var sql = """
            UPDATE approvals SET status = $to,
                approver = COALESCE($approver, approver), decided_reason = COALESCE($reason, decided_reason),
                decided_at = CASE WHEN $from = 'pending' THEN $at ELSE decided_at END, jti = COALESCE($jti, jti)
            WHERE id = $id AND status = $from AND ($from <> 'pending' OR expires_at > $at);
            """;
        var changed = await ExecuteAsync(connection, sql, cancellationToken,
            ("$to", Status(t.To)), ("$from", Status(t.From)), ("$id", t.Id), ("$at", SqliteValues.Time(t.At)),
            ("$approver", SqliteValues.Nullable(t.Approver)), ("$reason", SqliteValues.Nullable(t.Reason)), ("$jti", SqliteValues.Nullable(t.Jti)));
        if (changed != 1)
        {
            return false;
        }

        await SqliteBatchWriter.WriteAsync(connection, transaction, new StoreBatch([.. t.RateIncrements, .. events]), cancellationToken);
        return true;
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

    public static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
