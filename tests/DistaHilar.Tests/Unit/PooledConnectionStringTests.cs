using DistaHilar.Core.Data;
using Npgsql;

namespace DistaHilar.Tests.Unit;

public sealed class PooledConnectionStringTests
{
    [Fact]
    public void Turns_off_what_transaction_pooling_breaks()
    {
        var result = new NpgsqlConnectionStringBuilder(PooledConnectionString.For("Host=db;Port=6432;Database=d;Username=u;Password=p"));

        Assert.True(result.NoResetOnClose);
        Assert.Equal(0, result.MaxAutoPrepare);
        Assert.Equal(("db", 6432), (result.Host, result.Port));
    }

    [Theory]
    [InlineData("Host=db;Search Path=chat")]
    [InlineData("Host=db;Options=-c statement_timeout=5s")]
    public void Refuses_startup_parameters_PgBouncer_rejects(string connectionString) =>
        Assert.Throws<InvalidOperationException>(() => PooledConnectionString.For(connectionString));
}
