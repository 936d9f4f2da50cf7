//! Chart geometry, pure: a linear scale with a "nice" top, and bars (stacked by series),
//! points and a target line placed in a plot area. No drawing here: the templates under
//! `templates/charts/` turn a [`Chart`] into SVG.

/// Space around the plot for the axis labels.
pub const MARGIN_LEFT: f64 = 52.0;
pub const MARGIN_RIGHT: f64 = 12.0;
pub const MARGIN_TOP: f64 = 14.0;
pub const MARGIN_BOTTOM: f64 = 30.0;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v` (1 for nothing to show).
pub fn nice_max(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|n| *n >= v - 1e-9)
        .unwrap_or(10.0 * magnitude)
}

/// Values `0..=max` onto pixel rows `bottom..=top` (SVG's y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub max: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Scale {
    pub fn y(&self, value: f64) -> f64 {
        let v = value.clamp(0.0, self.max);
        self.bottom - (self.bottom - self.top) * v / self.max
    }

    /// Five ticks, 0 to max.
    pub fn ticks(&self) -> Vec<Tick> {
        (0..=4)
            .map(|i| {
                let value = self.max * f64::from(i) / 4.0;
                Tick {
                    y: self.y(value),
                    label: short(value),
                }
            })
            .collect()
    }
}

/// A number in few characters: `1.5k`, `20`, `2.5`.
pub fn short(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 1000.0 {
        format!("{:.1}k", v / 1000.0)
    } else if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A y-axis tick.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub y: f64,
    pub label: String,
}

/// One drawn bar (a segment, when stacked).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub color: &'static str,
    /// The tooltip (`<title>`).
    pub title: String,
}

/// One drawn point.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub title: String,
}

/// A label under the x axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub x: f64,
    pub text: String,
}

/// A horizontal line across the plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub y: f64,
    pub x1: f64,
    pub x2: f64,
    pub label: String,
}

/// One series of values, one per category; series stack on each other.
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub color: &'static str,
    pub values: Vec<f64>,
}

/// Everything a chart template draws.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    pub points: Vec<Point>,
    pub target: Option<Line>,
    pub ticks: Vec<Tick>,
    pub labels: Vec<Label>,
    /// Series names and colours, when there are several.
    pub legend: Vec<(String, &'static str)>,
    /// The unit of the y axis (`hours`, `$ / month`).
    pub unit: String,
}

/// What a bar chart shows: categories along x, stacked `series`, optional `points` (one per
/// category, `None` for none) and an optional `target` value drawn as a line.
#[derive(Clone, Debug, Default)]
pub struct BarSpec {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub points: Vec<Option<f64>>,
    pub target: Option<f64>,
    pub width: f64,
    pub height: f64,
}

impl BarSpec {
    /// Lays the chart out. A zero value draws no bar (nothing to hover); the scale's top
    /// holds the tallest stack, point and target.
    pub fn layout(&self) -> Chart {
        let n = self.categories.len();
        let stacks: Vec<f64> = (0..n)
            .map(|i| {
                self.series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect();
        let highest = stacks
            .iter()
            .copied()
            .chain(self.points.iter().flatten().copied())
            .chain(self.target)
            .fold(0.0, f64::max);
        let scale = Scale {
            max: nice_max(highest),
            top: MARGIN_TOP,
            bottom: self.height - MARGIN_BOTTOM,
        };
        let plot = self.width - MARGIN_LEFT - MARGIN_RIGHT;
        let slot = if n == 0 { plot } else { plot / n as f64 };
        let bar_width = (slot * 0.7).max(1.0);
        let centre = |i: usize| MARGIN_LEFT + slot * (i as f64 + 0.5);
        let mut chart = Chart {
            id: self.id.clone(),
            title: self.title.clone(),
            width: self.width,
            height: self.height,
            ticks: scale.ticks(),
            unit: self.unit.clone(),
            ..Chart::default()
        };
        for (i, category) in self.categories.iter().enumerate() {
            let mut base = 0.0;
            for series in &self.series {
                let value = series.values.get(i).copied().unwrap_or(0.0);
                if value <= 0.0 {
                    continue;
                }
                let (top, bottom) = (scale.y(base + value), scale.y(base));
                chart.bars.push(Bar {
                    x: centre(i) - bar_width / 2.0,
                    y: top,
                    width: bar_width,
                    height: bottom - top,
                    color: series.color,
                    title: format!("{category}: {} {}", short(value), series.name),
                });
                base += value;
            }
            if let Some(Some(value)) = self.points.get(i) {
                chart.points.push(Point {
                    x: centre(i),
                    y: scale.y(*value),
                    title: format!("{category}: {} {}", short(*value), self.unit),
                });
            }
            chart.labels.push(Label {
                x: centre(i),
                text: category.clone(),
            });
        }
        chart.target = self.target.map(|t| Line {
            y: scale.y(t),
            x1: MARGIN_LEFT,
            x2: self.width - MARGIN_RIGHT,
            label: format!("target {} {}", short(t), self.unit),
        });
        if self.series.len() > 1 {
            chart.legend = self
                .series
                .iter()
                .map(|s| (s.name.clone(), s.color))
                .collect();
        }
        chart
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_tops_are_one_two_or_five_times_a_power_of_ten() {
        let tops: Vec<f64> = [0.0, 0.3, 1.0, 1.2, 3.0, 7.0, 24.0, 36.0, 180.0, 1001.0]
            .into_iter()
            .map(nice_max)
            .collect();
        assert_eq!(
            tops,
            [1.0, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 50.0, 200.0, 2000.0]
        );
    }

    #[test]
    fn the_scale_maps_zero_to_the_bottom_and_max_to_the_top() {
        let scale = Scale {
            max: 50.0,
            top: 10.0,
            bottom: 110.0,
        };
        assert_eq!(
            (scale.y(0.0), scale.y(25.0), scale.y(50.0), scale.y(80.0)),
            (110.0, 60.0, 10.0, 10.0)
        );
        assert_eq!(
            scale
                .ticks()
                .iter()
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>(),
            ["0", "12.5", "25", "37.5", "50"]
        );
    }

    #[test]
    fn stacked_bars_sit_on_each_other_and_zeros_draw_nothing() {
        let spec = BarSpec {
            id: "states".into(),
            categories: vec!["w1".into(), "w2".into()],
            series: vec![
                Series {
                    name: "completed".into(),
                    color: "green",
                    values: vec![3.0, 0.0],
                },
                Series {
                    name: "running".into(),
                    color: "blue",
                    values: vec![2.0, 1.0],
                },
            ],
            points: vec![Some(4.0), None],
            target: Some(2.0),
            width: 252.0,
            height: 144.0,
            ..BarSpec::default()
        };
        let chart = spec.layout();
        assert_eq!(chart.bars.len(), 3);
        let (first, second) = (&chart.bars[0], &chart.bars[1]);
        assert!(
            (first.y - second.y - second.height).abs() < 1e-9,
            "the running segment sits on top"
        );
        assert!((chart.bars[0].y + chart.bars[0].height - (144.0 - MARGIN_BOTTOM)).abs() < 1e-9);
        assert_eq!(chart.points.len(), 1);
        assert_eq!(chart.labels.len(), 2);
        assert_eq!(chart.legend.len(), 2);
        let target = chart.target.expect("target");
        // The scale's top is 5 (the tallest stack), so a target of 2 sits 60% down the plot.
        assert!(
            (target.y - (MARGIN_TOP + 0.6 * 100.0)).abs() < 1e-9,
            "{}",
            target.y
        );
        assert_eq!(
            chart.bars[0].x + chart.bars[0].width / 2.0,
            MARGIN_LEFT + 47.0
        );
    }
}
