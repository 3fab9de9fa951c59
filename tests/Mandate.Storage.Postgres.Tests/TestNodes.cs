namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// Databases (one per node) and schemas a test opened, all disposed with it: the store does not own its database,
/// so the test, as the host would, disposes the databases after the stores, then drops the schemas.
/// </summary>
public sealed class TestNodes : IAsyncDisposable
{
    private readonly List<PostgresDatabase> _databases = [];
    private readonly List<TestSchema> _schemas = [];

    /// <summary>A node named <paramref name="node"/> on <paramref name="schema"/> (dropped with the others on dispose).</summary>
    public PostgresDatabase Database(TestSchema schema, string node = "node-a", Func<PostgresStoreOptions, PostgresStoreOptions>? configure = null)
    {
        Track(schema);
        var options = schema.Options(node);
        var database = new PostgresDatabase(configure is null ? options : configure(options));
        _databases.Add(database);
        return database;
    }

    public PostgresMandateStore NewStore(TestSchema schema, string node = "node-a", bool readOnly = false) =>
        new(Database(schema, node), readOnly);

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        foreach (var schema in _schemas)
        {
            await schema.DisposeAsync();
        }
    }

    private void Track(TestSchema schema)
    {
        if (!_schemas.Contains(schema))
        {
            _schemas.Add(schema);
        }
    }
}
