using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Data;

/// <summary>The app's database. Features add their entities here through their own configuration classes.</summary>
public sealed class DistaHilarDbContext : DbContext
{
    public DistaHilarDbContext(DbContextOptions<DistaHilarDbContext> options)
        : base(options)
    {
        // Our transactions commit or roll back whole: EF's automatic savepoint around each SaveChanges inside one
        // would cost a round trip (profiled: 6 % of a send's CPU) and never be rolled back to. Pooling keeps this.
        Database.AutoSavepointsEnabled = false;
    }

    public DbSet<User> Users => Set<User>();

    public DbSet<MediaAsset> Media => Set<MediaAsset>();

    public DbSet<MessageMedia> MessageMedia => Set<MessageMedia>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<Contact> Contacts => Set<Contact>();

    public DbSet<RateLimitCounter> RateLimitCounters => Set<RateLimitCounter>();

    public DbSet<UserConnection> UserConnections => Set<UserConnection>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<Chat> Chats => Set<Chat>();

    public DbSet<ChatMember> ChatMembers => Set<ChatMember>();

    public DbSet<ChatBan> ChatBans => Set<ChatBan>();

    public DbSet<Folder> Folders => Set<Folder>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<PhoneCall> Calls => Set<PhoneCall>();

    public DbSet<LiveRoom> LiveRooms => Set<LiveRoom>();

    public DbSet<LiveParticipant> LiveParticipants => Set<LiveParticipant>();

    public DbSet<HiddenMessage> HiddenMessages => Set<HiddenMessage>();

    public DbSet<MessageReaction> MessageReactions => Set<MessageReaction>();

    public DbSet<FolderChat> FolderChats => Set<FolderChat>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Trigram indexes back user and chat search (substring matches).
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DistaHilarDbContext).Assembly);
    }
}
