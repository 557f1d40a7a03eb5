using WeakToStrong.Data.Sources;

namespace WeakToStrong.Data.Tasks;

/// <summary>
/// fine-food-reviews: is this Amazon fine-food review "great" (5 stars) or "other"? From the Debian package
/// r-cran-modeldata (data set small_fine_foods: training_data 4,000 and testing_data 1,000 reviews), read from the
/// package's R lazy-load data base. Both of the package's sets are pooled and re-split by this project (balanced test).
/// </summary>
internal sealed class FineFoodReviewsTask : TaskBuilder
{
    public override string Name => "fine-food-reviews";
    public override string Description => "Is this Amazon fine-food review rated great (5 stars)? Label 1 = great.";
    public override string[] ClassNames => ["other", "great"];
    public override bool Shipped => false;
    public override string DataLicence => "Amazon fine-food reviews (SNAP, McAuley and Leskovec 2013), as redistributed in R package modeldata; not redistributed here";
    public override IReadOnlyList<SourcePackage> Sources { get; } =
        [new(PackageKind.Apt, "r-cran-modeldata", "MIT (package)", "R:modeldata/data/Rdata.rdx")];

    public override BuiltTask Build()
    {
        var db = RLazyLoadDb.OpenPackageData(Sources[0].Locate()!);
        var rows = new List<TaskRow>();
        int cut = 0;
        foreach (var set in new[] { "training_data", "testing_data" })
        {
            var cols = db.Read(set).Columns();
            var reviews = cols["review"].AsStrings();
            var scores = cols["score"].AsStrings();
            for (int i = 0; i < reviews.Length; i++)
            {
                if (reviews[i] is null || scores[i] is null) continue;
                var (text, wasCut) = TaskFiles.Clean(reviews[i]!, 2000);
                if (wasCut) cut++;
                rows.Add(new TaskRow($"{set}/{i + 1}", text, null, scores[i] == "great" ? 1 : 0));
            }
        }
        var notes = new List<string> { $"{rows.Count} reviews read (small_fine_foods training_data + testing_data); {cut} cut at 2,000 characters" };
        return TaskFiles.SplitIndependent(rows, 2, TestPerClass, MaxTrainPerClass, Seed, "fine-food-reviews/split", notes);
    }
}

/// <summary>
/// trump-tweets: was this tweet of Donald Trump's account sent from an Android phone or an iPhone? From the Debian
/// package r-cran-dslabs (data set trump_tweets, 2009-2017). Retweets are dropped. The classic finding is that the
/// Android tweets were his own and the iPhone ones his staff's, so style and content differ.
/// </summary>
internal sealed class TrumpTweetsTask : TaskBuilder
{
    public override string Name => "trump-tweets";
    public override string Description => "Was this tweet sent from Android (0) or iPhone (1)?";
    public override string[] ClassNames => ["android", "iphone"];
    public override bool Shipped => false;
    public override string DataLicence => "tweets collected by the Trump Twitter Archive, as redistributed in R package dslabs (Artistic-2.0); not redistributed here";
    public override IReadOnlyList<SourcePackage> Sources { get; } =
        [new(PackageKind.Apt, "r-cran-dslabs", "Artistic-2.0 (package)", "R:dslabs/data/Rdata.rdx")];

    public override BuiltTask Build()
    {
        var cols = RLazyLoadDb.OpenPackageData(Sources[0].Locate()!).Read("trump_tweets").Columns();
        var source = cols["source"].AsStrings();
        var text = cols["text"].AsStrings();
        var ids = cols["id_str"].AsStrings();
        var retweet = cols["is_retweet"].AsStrings();
        var rows = new List<TaskRow>();
        int retweets = 0;
        for (int i = 0; i < text.Length; i++)
        {
            int label = source[i] switch { "Twitter for Android" => 0, "Twitter for iPhone" => 1, _ => -1 };
            if (label < 0 || text[i] is null) continue;
            if (retweet[i] == "TRUE" || text[i]!.StartsWith("RT @", StringComparison.Ordinal)) { retweets++; continue; }
            var clean = TaskFiles.Clean(System.Net.WebUtility.HtmlDecode(text[i]!), 1000).Text;
            rows.Add(new TaskRow(ids[i] ?? $"row{i + 1}", clean, null, label));
        }
        var notes = new List<string> { $"{rows.Count} Android/iPhone tweets kept; {retweets} retweets dropped" };
        return TaskFiles.SplitIndependent(rows, 2, TestPerClass, MaxTrainPerClass, Seed, "trump-tweets/split", notes);
    }
}

/// <summary>
/// movie-genre: is this film a comedy or a drama, from its title and year alone? From the Debian package r-cran-dslabs
/// (data set movielens: ~9,000 films with MovieLens genres). Films tagged Comedy but not Drama are comedies, Drama but not
/// Comedy dramas; others are dropped. Titles are a knowledge task: a model that knows the film knows its genre.
/// </summary>
internal sealed class MovieGenreTask : TaskBuilder
{
    public override string Name => "movie-genre";
    public override string Description => "Is this film (title and year) a comedy (1) or a drama (0)?";
    public override string[] ClassNames => ["drama", "comedy"];
    public override bool Shipped => false;
    public override string DataLicence => "MovieLens (GroupLens Research; redistribution not permitted without permission), as shipped in R package dslabs; not redistributed here";
    public override IReadOnlyList<SourcePackage> Sources { get; } =
        [new(PackageKind.Apt, "r-cran-dslabs", "Artistic-2.0 (package)", "R:dslabs/data/Rdata.rdx")];

    public override BuiltTask Build()
    {
        var cols = RLazyLoadDb.OpenPackageData(Sources[0].Locate()!).Read("movielens").Columns();
        var movieIds = cols["movieId"].AsStrings();
        var titles = cols["title"].AsStrings();
        var years = cols["year"].AsStrings();
        var genres = cols["genres"].AsStrings();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<TaskRow>();
        int both = 0, neither = 0;
        for (int i = 0; i < titles.Length; i++)
        {
            if (movieIds[i] is null || titles[i] is null || !seen.Add(movieIds[i]!)) continue; // one row per film
            var g = (genres[i] ?? "").Split('|');
            bool comedy = g.Contains("Comedy"), drama = g.Contains("Drama");
            if (comedy == drama) { if (comedy) both++; else neither++; continue; }
            var text = years[i] is null ? titles[i]! : $"{titles[i]} ({years[i]})";
            rows.Add(new TaskRow($"movie{movieIds[i]}", text, null, comedy ? 1 : 0));
        }
        var notes = new List<string> { $"{seen.Count} films; {rows.Count} comedy-or-drama kept; {both} tagged both and {neither} neither dropped" };
        return TaskFiles.SplitIndependent(rows, 2, TestPerClass, MaxTrainPerClass, Seed, "movie-genre/split", notes);
    }
}
