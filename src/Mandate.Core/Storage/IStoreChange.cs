namespace Mandate.Core.Storage;

/// <summary>
/// One row a <see cref="StoreBatch"/> makes durable: a record to insert or update, or a deletion. The records
/// live beside their aggregates; a store recognises each by its type and writes it to its table, so the kernel
/// here never names a domain type.
/// </summary>
/// <remarks>
/// Audit events are changes too; a store chains every audit event of a batch, in batch order, after the tail it
/// reads inside the same transaction, and appends them after the batch's other changes.
/// </remarks>
public interface IStoreChange;
