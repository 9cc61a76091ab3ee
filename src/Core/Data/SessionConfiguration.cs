using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> session)
    {
        session.ToTable("sessions");
        session.Property(s => s.Device).HasMaxLength(256);
        session.Property(s => s.Ip).HasMaxLength(64);
        session.Property(s => s.RevokedReason).HasMaxLength(32);
        session.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        // "My sessions" lists only live ones.
        session.HasIndex(s => s.UserId).HasFilter("revoked_at IS NULL");
        // RevokedSessions reads the recently ended ones every few seconds on every instance.
        session.HasIndex(s => s.RevokedAt).HasFilter("revoked_at IS NOT NULL");
        session.HasMany<UserConnection>().WithOne().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> token)
    {
        token.ToTable("refresh_tokens");
        token.HasKey(t => t.Hash);
        token.HasOne<Session>().WithMany().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
        token.HasIndex(t => t.SessionId);
    }
}
