namespace Mandate.Core.Runs;

/// <summary>Runs' reads; a <see cref="RunRecord"/> in a committed batch inserts a run, or ends one with the same id.</summary>
public interface IRunStore
{
    /// <summary>The run with this id, or null.</summary>
    Task<RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken);

    /// <summary>Runs matching the query, newest first.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);
}
