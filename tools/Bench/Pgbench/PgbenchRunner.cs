using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace DistaHilar.Bench.Pgbench;

/// <summary>
/// The database's own insert rate, as a yardstick for the send scenario: pgbench runs single-row INSERTs into a
/// scratch copy of the messages table (its columns and indexes, not its foreign keys) on the stack's PostgreSQL,
/// through its PgBouncer (transaction pooling, simple protocol) as the app connects, one level per --concurrency
/// (pgbench clients), --warmup unlogged seconds first, then --duration logged seconds. Latencies come from pgbench's
/// per-transaction log, so the report has the same columns as every scenario; pgbench's own tps line is in the notes.
/// send req/s at 32 divided by tps at 32 is the share of the bare insert rate a whole send reaches.
/// </summary>
internal sealed class PgbenchRunner(BenchTarget target, BenchOptions options)
{
    public const string Name = "pgbench";

    private const string Table = "bench_pgbench_messages";

    /// <summary>One transaction: a message row as the app writes it (UUIDv7-like id, the app's text length).</summary>
    private const string Script = $$"""
        INSERT INTO {{Table}} (id, chat_id, seq, sender_id, client_message_id, text, mentions, created_at, read_count)
        SELECT (lpad(to_hex(ms), 12, '0') || to_hex(28672 + floor((epoch_ms - ms) * 4096)::int)
                    || replace(right(gen_random_uuid()::text, 17), '-', ''))::uuid,
               chat, nextval('{{Table}}_seq'), chat, gen_random_uuid()::text,
               'A message of ordinary length, about what people type into a chat in one go.', '{}', t, 0
        FROM (SELECT t, extract(epoch FROM t) * 1000 AS epoch_ms, floor(extract(epoch FROM t) * 1000)::bigint AS ms,
                     lpad(to_hex(:client_id), 32, '0')::uuid AS chat
              FROM (SELECT clock_timestamp() AS t) n) v;

        """;

    public async Task<BenchReport> RunAsync(DateTime started, CancellationToken ct)
    {
        var direct = target.DirectDatabase ?? throw new InvalidOperationException("pgbench needs the stack the bench starts (run it without --url).");
        var pooled = new NpgsqlConnectionStringBuilder(target.PooledDatabase);
        var pgbench = FindPgbench();
        var folder = Directory.CreateTempSubdirectory("distahilar-pgbench-");
        var notes = new Dictionary<string, string>
        {
            ["table"] = $"{Table}: LIKE messages INCLUDING ALL (columns, primary key, unique (chat_id, seq) and (chat_id, sender_id, client_message_id)); chat = the pgbench client, seq from a sequence",
            ["connection"] = $"PgBouncer 127.0.0.1:{pooled.Port} (transaction pooling, pool of 20 server connections), -M simple, -j up to {Environment.ProcessorCount}",
            ["compare"] = "send req/s at concurrency 32 divided by tps here at 32 = the share of the bare insert rate a whole send (API, auth, chat lock, seq, insert, outbox, publish) reaches",
        };
        var levels = new List<LevelResult>();
        try
        {
            var script = Path.Combine(folder.FullName, "insert.sql");
            await File.WriteAllTextAsync(script, Script, ct);
            await CreateTableAsync(direct, ct);
            foreach (var clients in options.Concurrency)
            {
                await Console.Error.WriteLineAsync($"pgbench {clients} clients: warm-up {options.Warmup.TotalSeconds} s, then {options.Duration.TotalSeconds} s measured ...");
                if (options.Warmup > TimeSpan.Zero)
                {
                    await RunPgbenchAsync(pgbench, pooled, script, clients, options.Warmup, logPrefix: null, ct);
                }

                target.ResetPeakMemory();
                var prefix = Path.Combine(folder.FullName, "level" + clients.ToString(CultureInfo.InvariantCulture));
                var output = await RunPgbenchAsync(pgbench, pooled, script, clients, options.Duration, prefix, ct);
                levels.Add(LevelResult.From(clients, ReadLogs(folder.FullName, Path.GetFileName(prefix), clients), target.ReadMemory()));
                notes["pgbench at " + clients.ToString(CultureInfo.InvariantCulture)] = Summary(output);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
            await DropTableAsync(direct, CancellationToken.None);
        }

        return new BenchReport(started, MachineInfo.Current, target.Api.AbsoluteUri, Name, target.OverriddenSettings, levels, notes);
    }

    private static string FindPgbench()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin");
        return dirs.Select(d => Path.Combine(d, "pgbench")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("pgbench was not found on PATH nor in /usr/bin (Debian: apt-get install postgresql-client).");
    }

    // pgbench's -T takes whole seconds.
    private static int Seconds(TimeSpan duration) => Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds));

    /// <summary>Runs pgbench to its end; its stdout (the summary). Throws with its stderr if it fails.</summary>
    private static async Task<string> RunPgbenchAsync(string pgbench, NpgsqlConnectionStringBuilder pooled, string script, int clients, TimeSpan duration, string? logPrefix, CancellationToken ct)
    {
        var start = new ProcessStartInfo(pgbench) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args =
        [
            "-n", "-M", "simple", "-f", script,
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
            "-T", Seconds(duration).ToString(CultureInfo.InvariantCulture),
            "-h", pooled.Host!, "-p", pooled.Port.ToString(CultureInfo.InvariantCulture), "-U", pooled.Username!,
        ];
        foreach (var arg in args.Concat(logPrefix is null ? [] : ["-l", "--log-prefix=" + logPrefix]).Append(pooled.Database!))
        {
            start.ArgumentList.Add(arg);
        }

        // The password goes by environment, never on the command line (ps shows that to every user).
        start.Environment["PGPASSWORD"] = pooled.Password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench exited with {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }

    /// <summary>
    /// Every transaction of the level's logs (one file per pgbench thread), as one worker log, over the time from the
    /// first one's start to the last one's end (as pgbench's tps, this leaves out connecting: SCRAM logins through
    /// PgBouncer are not inserts). A line is "client transaction latency_µs script end_epoch_s end_µs"; a failed
    /// transaction has "failed" for the latency.
    /// </summary>
    private static Measurement ReadLogs(string folder, string prefix, int clients)
    {
        var log = new WorkerLog(clients * 10_000);
        var (first, last) = (long.MaxValue, long.MinValue);
        foreach (var file in Directory.GetFiles(folder, prefix + ".*"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(' ');
                if (fields.Length < 6)
                {
                    continue;
                }

                var endedAt = (long.Parse(fields[4], CultureInfo.InvariantCulture) * 1_000_000) + long.Parse(fields[5], CultureInfo.InvariantCulture);
                var ok = long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var micros);
                log.Latencies.Add(micros * Stopwatch.Frequency / 1_000_000);
                if (!ok)
                {
                    log.Fail(endedAt, "pgbench transaction " + fields[2]);
                }

                (first, last) = (Math.Min(first, endedAt - micros), Math.Max(last, endedAt));
            }
        }

        return new Measurement([log], TimeSpan.FromTicks(last > first ? (last - first) * TimeSpan.TicksPerMicrosecond : 1));
    }

    // "tps = 1234.5 (without initial connection time)" and the failures line, as pgbench printed them.
    private static string Summary(string output) => string.Join("; ", output.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.StartsWith("tps = ", StringComparison.Ordinal) || l.StartsWith("number of failed transactions", StringComparison.Ordinal) || l.StartsWith("latency average", StringComparison.Ordinal)));

    private static async Task CreateTableAsync(string direct, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(direct);
        await connection.OpenAsync(ct);
        await using var create = new NpgsqlCommand(
            $"DROP TABLE IF EXISTS {Table}; DROP SEQUENCE IF EXISTS {Table}_seq; CREATE TABLE {Table} (LIKE messages INCLUDING ALL); CREATE SEQUENCE {Table}_seq;",
            connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    // Best effort: the stack and its data are thrown away at the end anyway, and a failure here must not hide the run's.
    private static async Task DropTableAsync(string direct, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(direct);
            await connection.OpenAsync(ct);
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {Table}; DROP SEQUENCE IF EXISTS {Table}_seq;", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"Could not drop {Table}: {e.Message}");
        }
    }
}
