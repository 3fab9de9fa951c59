namespace Mandate.Credentials.Postgres;

/// <summary>The admin connection of a postgres tool could not be resolved or used. The message never holds the connection string.</summary>
public sealed class PostgresAdminUnavailableException : Exception
{
    public PostgresAdminUnavailableException(string message)
        : base(message)
    {
    }

    public PostgresAdminUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
