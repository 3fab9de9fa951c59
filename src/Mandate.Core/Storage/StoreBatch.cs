namespace Mandate.Core.Storage;

/// <summary>
/// Changes that must become durable together, in order: a batch commits entirely or not at all. Audit events
/// among them are chained last, in the order they appear.
/// </summary>
public sealed class StoreBatch
{
    /// <param name="changes">The changes, in the order a store applies them.</param>
    public StoreBatch(params IEnumerable<IStoreChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        IStoreChange[] list = [.. changes];
        foreach (var change in list)
        {
            ArgumentNullException.ThrowIfNull(change, nameof(changes));
        }

        Changes = list;
    }

    /// <summary>A batch that changes nothing; committing it writes nothing.</summary>
    public static StoreBatch Empty { get; } = new();

    /// <summary>Every change, in order.</summary>
    public IReadOnlyList<IStoreChange> Changes { get; }

    /// <summary>True when the batch changes nothing.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>The changes of type <typeparamref name="T"/>, in order.</summary>
    public IReadOnlyList<T> Of<T>()
        where T : IStoreChange => [.. Changes.OfType<T>()];

    /// <summary>This batch followed by <paramref name="changes"/>.</summary>
    public StoreBatch Append(params IEnumerable<IStoreChange> changes) => new(Changes.Concat(changes));

    /// <summary>Concatenates batches so one transaction can carry many requests' writes (group commit).</summary>
    public static StoreBatch Combine(IReadOnlyList<StoreBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return batches.Count == 1 ? batches[0] : new StoreBatch(batches.SelectMany(b => b.Changes));
    }
}
