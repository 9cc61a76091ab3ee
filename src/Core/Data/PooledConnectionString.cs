using Npgsql;

namespace DistaHilar.Core.Data;

/// <summary>
/// Makes a connection string safe for PgBouncer in transaction mode: server-side session state does not survive
/// between transactions, so no reset on close and no automatic prepared statements; startup parameters that the
/// pooler refuses are rejected with a clear message instead of a connection failure at first use.
/// </summary>
public static class PooledConnectionString
{
    public static string For(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.SearchPath) || !string.IsNullOrEmpty(builder.Options))
        {
            throw new InvalidOperationException("Database__ConnectionString must not set 'Search Path' or 'Options': PgBouncer refuses those startup parameters.");
        }

        builder.NoResetOnClose = true;
        builder.MaxAutoPrepare = 0;
        return builder.ConnectionString;
    }
}
