using Mandate.Core;

namespace Mandate.Bench.AuditSize;

/// <summary>One object on disk (a table, an index, a side table) and the bytes it takes.</summary>
internal sealed record ObjectSize(string Name, long Bytes);

/// <summary>Logical bytes of one column summed over every row: what the values are, before page overhead.</summary>
internal sealed record ColumnSize(string Table, string Column, long Bytes);

/// <summary>Everything measured on a filled store.</summary>
internal sealed record StoreSizes(long TotalBytes, IReadOnlyList<ObjectSize> Objects, IReadOnlyList<ColumnSize> Columns);

/// <summary>A fresh store of one kind, and how to measure it once filled.</summary>
internal abstract class SizeTarget : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Creates and migrates an empty store.</summary>
    public abstract Task<IMandateStore> OpenAsync();

    /// <summary>Closes the store and measures it.</summary>
    public abstract Task<StoreSizes> MeasureAsync();

    public abstract ValueTask DisposeAsync();
}
