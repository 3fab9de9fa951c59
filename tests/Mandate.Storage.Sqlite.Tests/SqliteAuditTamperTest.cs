using Mandate.Core.Audit;
using Mandate.Storage.ContractTests;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>A five-record audit log in a SQLite file, and the means to tamper with it behind the store and verify it.</summary>
public abstract class SqliteAuditTamperTest : SqliteTestBase
{
    // Whoever tampers with the file can drop the append-only triggers first; the chain must still tell.
    protected const string DropGuards = """
        DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
        DROP TRIGGER audit_shapes_no_update; DROP TRIGGER audit_shapes_no_delete;
        """;

    // Record 3 is the only denial, so its shape is its own; records 2 and 4 share one.
    protected const string ShapeOf3 = "(SELECT shape FROM audit WHERE seq = 3)";

    /// <summary>Five records, committed through the store and verified intact before any tampering.</summary>
    protected async Task<(string Path, List<AuditRecord> Records)> CreateLogAsync()
    {
        var path = NewDatabasePath();
        await using var store = await OpenMigratedStoreAsync(path);
        await store.CommitAsync(StoreTestData.Events(1, 5), Cancellation);
        var intact = await AuditVerifier.VerifyAsync(store, null, Cancellation);
        Assert.True(intact.IsValid, intact.Message);
        return (path, await ReadAllAsync(store));
    }

    protected async Task<AuditVerificationResult> VerifyAsync(string path, AuditTail? checkpoint = null)
    {
        await using var store = OpenStore(path);
        return await AuditVerifier.VerifyAsync(store, checkpoint, Cancellation);
    }
}
