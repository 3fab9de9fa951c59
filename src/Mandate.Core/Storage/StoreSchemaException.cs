namespace Mandate.Core.Storage;

/// <summary>
/// The database's schema cannot be used by this build, e.g. it was migrated by a newer Mandate.
/// This is a deployment problem, not an outage: retrying will not help, upgrading Mandate will.
/// </summary>
public sealed class StoreSchemaException : StoreException
{
    public StoreSchemaException()
    {
    }

    public StoreSchemaException(string message)
        : base(message, null)
    {
    }

    public StoreSchemaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
