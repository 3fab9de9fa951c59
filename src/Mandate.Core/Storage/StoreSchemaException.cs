namespace Mandate.Core.Storage;

/// <summary>
/// The database's schema cannot be used by this build, e.g. it was migrated by a newer Mandate.
/// This is a deployment problem, not an outage: retrying will not help, upgrading Mandate will.
/// </summary>
public sealed class StoreSchemaException : Exception
{
    public StoreSchemaException()
    {
    }

    public StoreSchemaException(string message)
        : base(message)
    {
    }

    public StoreSchemaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
