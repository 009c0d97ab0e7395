//! Pagination of incident lists: which rows go on which page of a list, the pages' file
//! names, and the `pager` view list templates draw their page links from. Owns no
//! rendering; `render` and `render::pages` call [`paginate`] and render each page.
//!
//! Why paginate: a list page holds a row per incident, about 550 bytes each. At 10,000
//! postmortems the all-incidents page was 5.4 MB and took Chromium 2.4 s longer to show
//! than the home page; at 100,000 it was 54 MB. Lists up to `paginate_by` rows (1000 by
//! default) stay one page, so a typical archive keeps one table sortable as a whole.
//!
//! Page 1 is the list's folder (`incidents/`, `causes/dns/`); page n is `page-n.html` in
//! the same folder. Keeping every page at the same depth lets each page reuse the rows
//! drawn once per depth (`render::draw_rows`), and a file name cannot collide with an
//! incident's folder.

use serde::Serialize;

/// Where a list's page `n` (1-based) is written, relative to the list's folder.
pub fn page_file(n: usize) -> String {
    if n <= 1 {
        "index.html".into()
    } else {
        format!("page-{n}.html")
    }
}

/// How another page of the same list links to page `n`.
fn page_href(n: usize) -> String {
    if n <= 1 {
        "./".into()
    } else {
        page_file(n)
    }
}

/// A list's page as list templates get it (`pager`); `None` when the list is one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pager {
    /// This page's number, from 1.
    pub page: usize,
    pub pages: usize,
    /// This page shows rows `first_row` to `last_row` (from 1) of `total`.
    pub first_row: usize,
    pub last_row: usize,
    pub total: usize,
    /// Rows per page (the last page may have fewer): with `pages` and the file names of
    /// [`page_file`], what a script needs to fetch and page the whole list.
    pub per_page: usize,
    /// Links to the neighbouring pages, relative to this one; `None` at either end.
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The page links to show: the first and last pages, and two either side of this one;
    /// `None` stands for the pages left out between them ("…").
    pub links: Vec<Option<PageLink>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// One page of a list: its file name in the list's folder, its rows, and its pager.
#[derive(Debug, PartialEq, Eq)]
pub struct Page<'a, T> {
    pub file: String,
    pub rows: &'a [T],
    pub pager: Option<Pager>,
}

impl<T> Page<'_, T> {
    /// The list's first page (or its only one): where what is said once about the whole
    /// list goes (a category's charts, the archive-wide diagnostics).
    pub fn is_first(&self) -> bool {
        self.pager.as_ref().is_none_or(|p| p.page == 1)
    }
}

/// `rows` cut into pages of `per` rows. One page, without a pager, when they fit or `per`
/// is 0 (pagination off); an empty list is one empty page.
pub fn paginate<T>(rows: &[T], per: usize) -> Vec<Page<'_, T>> {
    if per == 0 || rows.len() <= per {
        return vec![Page {
            file: page_file(1),
            rows,
            pager: None,
        }];
    }
    let pages = rows.len().div_ceil(per);
    rows.chunks(per)
        .enumerate()
        .map(|(k, chunk)| {
            let page = k + 1;
            Page {
                file: page_file(page),
                rows: chunk,
                pager: Some(Pager {
                    page,
                    pages,
                    first_row: k * per + 1,
                    last_row: k * per + chunk.len(),
                    total: rows.len(),
                    per_page: per,
                    prev: (page > 1).then(|| page_href(page - 1)),
                    next: (page < pages).then(|| page_href(page + 1)),
                    links: links(page, pages),
                }),
            }
        })
        .collect()
}

/// Page links around `page`: 1, 2 … 5 6 [7] 8 9 … 20, a gap only where it hides a page or
/// more (1 2 3 rather than 1 … 3).
fn links(page: usize, pages: usize) -> Vec<Option<PageLink>> {
    let shown = |n: usize| n == 1 || n == pages || n.abs_diff(page) <= 2;
    let mut out = Vec::new();
    let mut n = 1;
    while n <= pages {
        if shown(n) {
            out.push(Some(PageLink {
                number: n,
                url: page_href(n),
                current: n == page,
            }));
            n += 1;
        } else {
            let next = (n..=pages).find(|&m| shown(m)).unwrap_or(pages + 1);
            if next - n == 1 {
                // A gap of one page: show the page itself.
                out.push(Some(PageLink {
                    number: n,
                    url: page_href(n),
                    current: false,
                }));
            } else {
                out.push(None);
            }
            n = next;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(pager: &Pager) -> Vec<Option<usize>> {
        pager.links.iter().map(|l| l.as_ref().map(|l| l.number)).collect()
    }

    #[test]
    fn a_list_that_fits_is_one_page_without_a_pager() {
        let rows: Vec<u32> = (0..1000).collect();
        for per in [1000, 5000, 0] {
            let pages = paginate(&rows, per);
            assert_eq!(pages.len(), 1);
            assert_eq!(pages[0].file, "index.html");
            assert_eq!(pages[0].rows.len(), 1000);
            assert!(pages[0].pager.is_none());
        }
        let empty: [u32; 0] = [];
        let pages = paginate(&empty, 10);
        assert_eq!((pages.len(), pages[0].rows.len()), (1, 0));
    }

    #[test]
    fn a_long_list_is_cut_into_pages_that_link_to_each_other() {
        let rows: Vec<u32> = (0..2501).collect();
        let pages = paginate(&rows, 1000);
        let files: Vec<&str> = pages.iter().map(|p| p.file.as_str()).collect();
        assert_eq!(files, ["index.html", "page-2.html", "page-3.html"]);
        let sizes: Vec<usize> = pages.iter().map(|p| p.rows.len()).collect();
        assert_eq!(sizes, [1000, 1000, 501]);
        let all: Vec<u32> = pages.iter().flat_map(|p| p.rows.iter().copied()).collect();
        assert_eq!(all, rows, "every row once, in order");
        let pager = |k: usize| pages[k].pager.clone().unwrap();
        assert_eq!((pager(0).prev, pager(0).next), (None, Some("page-2.html".into())));
        assert_eq!(
            (pager(1).prev, pager(1).next),
            (Some("./".into()), Some("page-3.html".into()))
        );
        assert_eq!(
            (
                pager(2).first_row,
                pager(2).last_row,
                pager(2).total,
                pager(2).per_page
            ),
            (2001, 2501, 2501, 1000)
        );
        assert_eq!(pager(2).next, None);
        assert_eq!(numbers(&pager(1)), [Some(1), Some(2), Some(3)]);
        assert!(pager(1).links[1].as_ref().unwrap().current);
    }

    #[test]
    fn page_links_skip_far_pages_but_never_hide_a_single_one() {
        let rows: Vec<u32> = (0..200).collect();
        let pages = paginate(&rows, 10);
        let at = |page: usize| numbers(pages[page - 1].pager.as_ref().unwrap());
        assert_eq!(
            at(10),
            [
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert_eq!(at(1), [Some(1), Some(2), Some(3), None, Some(20)]);
        // 1 2 3 4 5 6: the page between 1 and 3 is shown rather than hidden behind "…".
        assert_eq!(
            at(5),
            [
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                None,
                Some(20)
            ]
        );
        assert_eq!(at(20), [Some(1), None, Some(18), Some(19), Some(20)]);
        for page in 1..=20 {
            let pager = pages[page - 1].pager.as_ref().unwrap();
            let current: Vec<usize> = pager
                .links
                .iter()
                .flatten()
                .filter(|l| l.current)
                .map(|l| l.number)
                .collect();
            assert_eq!(current, [page]);
            for link in pager.links.iter().flatten() {
                assert_eq!(
                    link.url,
                    if link.number == 1 {
                        "./".into()
                    } else {
                        page_file(link.number)
                    }
                );
            }
        }
    }
}
