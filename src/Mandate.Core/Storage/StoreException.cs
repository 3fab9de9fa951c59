namespace Mandate.Core.Storage;

/// <summary>
/// The store cannot be used: it is unavailable (<see cref="StoreUnavailableException"/>) or its schema is not one this
/// build reads (<see cref="StoreSchemaException"/>). Commands that only report such a failure catch this type.
/// </summary>
public abstract class StoreException : Exception
{
    protected StoreException()
    {
    }

    protected StoreException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
