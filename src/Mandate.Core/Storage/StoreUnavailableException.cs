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

    /// <summary>
    /// True when the failure passes by itself and the same call can simply be tried again (the database locked by
    /// another connection, the server unreachable or not taking connections yet); false for a set-up error (a file that
    /// is not a database, refused credentials, a missing database or schema) or a failure the store could not classify.
    /// </summary>
    public bool IsOutage => Cause is StoreFailureCause.Locked or StoreFailureCause.Unreachable;
}
