//! Golden tokenization snapshots: any change to the terms produced for these
//! texts shows up as a snapshot diff, and must come with a bump of
//! `sagasu_analyzer::VERSION` (an index built by other rules is refused).

use std::fmt::Write;

use sagasu_analyzer::{Analyzer, Error, UserDictionary};

/// Renders the analysis as one line per term, then one line each of query
/// terms, bigrams and readings.
fn render(analyzer: &Analyzer, text: &str) -> Result<String, Error> {
    let analysis = analyzer.analyze_with_readings(text)?;
    let mut out = format!("input: {text}\n");
    for term in &analysis.terms {
        let span = &text[term.offset_from..term.offset_to];
        let _ = writeln!(
            out,
            "{:>3} {:<10} {:<9} {} «{}»",
            term.position,
            term.text,
            format!("{:?}", term.kind),
            term.part_of_speech,
            span
        );
    }
    let query: Vec<String> = analysis
        .query_terms()
        .iter()
        .map(|(position, text)| format!("{text}@{position}"))
        .collect();
    let _ = writeln!(out, "query: {}", query.join(" "));
    let bigrams: Vec<String> = analysis
        .bigrams
        .iter()
        .map(|t| format!("{}@{}", t.text, t.position))
        .collect();
    let _ = writeln!(out, "bigrams: {}", bigrams.join(" "));
    let readings: Vec<String> = analysis
        .readings
        .iter()
        .map(|t| format!("{}@{}", t.text, t.position))
        .collect();
    let _ = writeln!(out, "readings: {}", readings.join(" "));
    Ok(out)
}

macro_rules! golden {
    ($($name:ident: $text:expr,)*) => {$(
        #[test]
        fn $name() -> Result<(), Error> {
            let analyzer = Analyzer::new()?;
            insta::assert_snapshot!(render(&analyzer, $text)?);
            Ok(())
        }
    )*};
}

golden! {
    study_group_report: "株式会社ハートビーツが主催するインフラエンジニア勉強会に行ってきました。",
    latin_mixed: "hbstudy#1でKVMとBGP4、EC2の話を聞いた",
    width_variants: "ＡＷＳとaws、ｲﾝﾌﾗとインフラ",
    long_vowel: "サーバーとサーバ、ユーザーのコンピューター",
    conjugations: "行った。行きます。行けなかった。",
    long_compound: "情報処理技術者試験と自然言語処理",
    wave_dash: "10時〜12時、14時～16時",
    symbols_only: "「」、。！？",
    readings_of_kana_and_kanji: "ひらがなとカタカナ、漢字の読み。ｲﾝﾌﾗ勉強会 サーバー管理",
    spellings: "ヴァイオリンが綺麗に弾けて、ウィルスも駆除出来た。",
}

/// A user dictionary in both of Lindera's forms, for the test below.
const USER_DICTIONARY: &str = "\
# simple: surface,part_of_speech,reading
ハートビーツ勉強会,名詞,はーとびーつべんきょうかい
# IPADIC's detailed form
ｓａｇａｓｕ,1288,1288,-5000,名詞,固有名詞,一般,*,*,*,sagasu,サガス,サガス
";

#[test]
fn user_dictionary() -> Result<(), Error> {
    let user = UserDictionary::from_csv(USER_DICTIONARY)?;
    let analyzer = Analyzer::with_user_dictionary(Some(&user))?;
    insta::assert_snapshot!(render(&analyzer, "sagasuでハートビーツ勉強会の記事を探す")?);
    Ok(())
}

/// The content words of queries typed without spaces, one query a line:
/// what the search looks for when the run as a whole is in no post.
#[test]
fn content_words_of_unspaced_queries() -> Result<(), Error> {
    let analyzer = Analyzer::new()?;
    let queries = [
        // compounds of two words, one of them ending in a suffix
        "インフラ勉強会",
        "ハートビーツ勉強会",
        "歯科矯正リテーナー",
        "会社設立",
        "確定申告書",
        "確定申告法人税",
        "東京駅前",
        "情報処理技術者試験",
        "自然言語処理",
        "2009年勉強会",
        "新製品発表会",
        // Latin and kanji or katakana
        "AWS本",
        "京都お寺",
        "EC2移行",
        "ＡＷＳ移行",
        "nginxリバースプロキシ",
        // questions and their endings
        "ラオス経済とは？",
        "コンゴ共和国最大都市は？",
        "Zabbixとは何？",
        "京都のお寺はどうでしたか",
        "どうやってMySQLを冗長化する方法",
        "田中さんの本",
        "何人",
        // one word stays one word
        "インフラ",
        "勉強会",
        "情報処理",
        "行けなかった",
        // words joined by symbols stay one
        "Y!砲",
        "infra#1",
        "counter.example.jp",
        "¾v3",
    ];
    let mut out = String::new();
    for query in queries {
        let words: Vec<String> = analyzer
            .content_words(query)?
            .into_iter()
            .map(|word| {
                let terms: Vec<String> = word
                    .terms
                    .iter()
                    .map(|(position, text)| format!("{text}@{position}"))
                    .collect();
                format!("{} ({})", word.text, terms.join(" "))
            })
            .collect();
        let _ = writeln!(out, "{query} → {}", words.join(" | "));
    }
    insta::assert_snapshot!(out);
    Ok(())
}
