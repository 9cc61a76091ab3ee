using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>A fixed-window counter, shared by every function instance because it lives in PostgreSQL.</summary>
public sealed class RateLimitCounter
{
    public string Key { get; init; } = "";

    public DateTimeOffset WindowStart { get; set; }

    public int Count { get; set; }
}

internal sealed class RateLimitCounterConfiguration : IEntityTypeConfiguration<RateLimitCounter>
{
    public void Configure(EntityTypeBuilder<RateLimitCounter> counter)
    {
        counter.ToTable("rate_limit_counters");
        counter.HasKey(c => c.Key);
        counter.Property(c => c.Key).HasMaxLength(300);
        // Lets a cleanup delete windows that ended long ago.
        counter.HasIndex(c => c.WindowStart);
    }
}
