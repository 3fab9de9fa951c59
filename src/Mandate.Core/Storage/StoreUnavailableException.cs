namespace Mandate.Core.Storage;

/// <summary>The store could not make a write durable. Callers fail closed: nothing is issued.</summary>
public sealed class StoreUnavailableException : StoreException
{
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public StoreUnavailableException(string message, StoreFailureCause cause, Exception? innerException = null)
        : base(message, innerException)
    {
        Cause = cause;
    }

    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message, null)
    {
    }

    /// <summary>Why, when the store could tell (locked, read-only, disk full, file deleted…).</summary>
    public StoreFailureCause Cause { get; }
}
