using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Microsoft.Data.Sqlite;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Audit;

/// <summary>Someone with the database file rewrites what the broker recorded; the verifier names the record.</summary>
public sealed class AuditTamperTests : BrokerTest
{
    // Whoever edits the file can drop the append-only triggers first; the hash chain must still tell.
    private const string DropGuards = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_shapes_no_update;";

    [Fact]
    public async Task AuditVerifier_IssuancePayloadEditedAfterAFullFlow_ReportsHashMismatchAtThatSequence()
    {
        var issuance = await RecordFullFlowAsync();

        await Broker.ExecuteSqlAsync(DropGuards + $"UPDATE audit_shapes SET body = replace(body, '\"scope\":\"refunds:write\"', '\"scope\":\"refunds:read\"') WHERE id = (SELECT shape FROM audit WHERE seq = {issuance});");

        var result = await AuditVerifier.VerifyAsync(Broker.Runtime.Store, null, CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(issuance, result.Sequence);
        Assert.Contains($"Record {issuance}", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerifier_IssuanceRecordDeleted_ReportsTheGapAtThatSequence()
    {
        var issuance = await RecordFullFlowAsync();

        await Broker.ExecuteSqlAsync(DropGuards + $"DELETE FROM audit WHERE seq = {issuance};");

        var result = await AuditVerifier.VerifyAsync(Broker.Runtime.Store, null, CancellationToken.None);
        Assert.Equal(AuditProblemKind.SequenceGap, result.Problem);
        Assert.Equal(issuance, result.Sequence);
        Assert.Contains($"Record {issuance} is missing", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditTable_UpdateOrDeleteWithGuardsInPlace_IsRefused()
    {
        var issuance = await RecordFullFlowAsync();

        var update = await Assert.ThrowsAsync<SqliteException>(() => Broker.ExecuteSqlAsync($"UPDATE audit SET run = 'x' WHERE seq = {issuance};"));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => Broker.ExecuteSqlAsync($"DELETE FROM audit WHERE seq = {issuance};"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue, introspect, revoke; checks the intact log verifies and returns the issuance's sequence.</summary>
    private async Task<long> RecordFullFlowAsync()
    {
        var token = await Broker.IssueAsync();
        await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));
        await Broker.RevokeAsync(token, Broker.Svid(SupportAgent));
        var intact = await AuditVerifier.VerifyAsync(Broker.Runtime.Store, null, CancellationToken.None);
        Assert.True(intact.IsValid, intact.Message);
        return (await Broker.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance })).Single().Sequence;
    }
}
