"""The national level: national goals, fair benchmarks, similar municipalities, result grants.

The Task Force report gives the state four jobs (set national goals, collect the municipalities'
results, compare them fairly and spread good practice, tie result grants to results); this
package holds the computations behind them. Each module is one concept; the CLI and the reports
only word what these modules decide.
"""
